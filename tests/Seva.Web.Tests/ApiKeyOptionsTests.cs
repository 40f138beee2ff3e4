using Seva.Web.Features.ApiKeys;

namespace Seva.Web.Tests;

public sealed class ApiKeyOptionsTests
{
    [Fact]
    public void Validate_ShortEmptyOrDuplicateKeys_ReportsEveryProblemWithItsSetting()
    {
        var options = new ApiKeyOptions();
        options.ApiKeys.Add(new ConfiguredApiKey { Key = "short", UserId = "a" });
        options.ApiKeys.Add(new ConfiguredApiKey { Key = "0123456789abcdef0", UserId = "" });
        options.ApiKeys.Add(new ConfiguredApiKey { Key = "0123456789abcdef0", UserId = "c" });

        var result = new ApiKeyOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Equal(3, failures.Count);
        Assert.Contains("Seva:ApiKeys:0:Key", failures[0], StringComparison.Ordinal);
        Assert.Contains("Seva:ApiKeys:1:UserId", failures[1], StringComparison.Ordinal);
        Assert.Contains("Seva:ApiKeys:2:Key", failures[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Find_KnownKey_ReturnsItsUser_UnknownKey_Null()
    {
        var options = new ApiKeyOptions();
        options.ApiKeys.Add(new ConfiguredApiKey { Key = "0123456789abcdef0", UserId = "alice" });
        var directory = new ApiKeyDirectory(Microsoft.Extensions.Options.Options.Create(options));
        Assert.Equal("alice", directory.Find("0123456789abcdef0"));
        Assert.Null(directory.Find("0123456789abcdef1"));
    }
}
