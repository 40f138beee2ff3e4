using Seva.Actors.Speech.PocketSphinx;

namespace Seva.Actors.Tests.Speech;

public sealed class PocketSphinxOptionsTests
{
    [Fact]
    public void Validate_MissingModel_NamesTheDebianPackage()
    {
        var result = new PocketSphinxOptionsValidator().Validate(null, new PocketSphinxOptions { ModelDirectory = "/nonexistent/model" });
        Assert.True(result.Failed);
        Assert.Contains("pocketsphinx-en-us", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("ModelDirectory", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_InstalledModel_Succeeds() =>
        Assert.True(new PocketSphinxOptionsValidator().Validate(null, new PocketSphinxOptions()).Succeeded);

    [Fact]
    public void Validate_MoreIdleThanMaxDecoders_Fails()
    {
        var result = new PocketSphinxOptionsValidator().Validate(null, new PocketSphinxOptions { IdleDecoders = 5, MaxDecoders = 2 });
        Assert.Contains("IdleDecoders", result.FailureMessage, StringComparison.Ordinal);
    }
}
