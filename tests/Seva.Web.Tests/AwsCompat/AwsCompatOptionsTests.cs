using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Seva.Web.Features.AwsCompat;

namespace Seva.Web.Tests.AwsCompat;

public sealed class AwsCompatOptionsTests
{
    private static AwsCompatOptions With(params (string Id, string Secret, string User)[] credentials)
    {
        var options = new AwsCompatOptions();
        foreach (var (id, secret, user) in credentials)
        {
            options.Credentials.Add(new ConfiguredAwsCredential { AccessKeyId = id, SecretAccessKey = secret, UserId = user });
        }

        return options;
    }

    [Fact]
    public void Validate_BadIdShortSecretNoUserOrDuplicateId_ReportsEveryProblemWithItsSetting()
    {
        var options = With(
            ("AKIA-NOT/VALID", "0123456789abcdef", "a"),
            ("AKIASEVAEXAMPLE00001", "short", ""),
            ("AKIASEVAEXAMPLE00001", "0123456789abcdef", "c"));

        var result = new AwsCompatOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(
            ["Seva:AwsCompat:Credentials:0:AccessKeyId", "Seva:AwsCompat:Credentials:1:SecretAccessKey", "Seva:AwsCompat:Credentials:1:UserId", "Seva:AwsCompat:Credentials:2:AccessKeyId"],
            result.Failures!.Select(f => f[..f.IndexOf(' ', StringComparison.Ordinal)]));
        Assert.Contains("openssl rand", result.Failures!.ElementAt(1), StringComparison.Ordinal);
        Assert.Contains("configured twice", result.Failures!.ElementAt(3), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoCredentials_OrGoodOnes_Succeeds()
    {
        Assert.True(new AwsCompatOptionsValidator().Validate(null, With()).Succeeded);
        Assert.True(new AwsCompatOptionsValidator().Validate(null, With(("AKIASEVAEXAMPLE00001", "0123456789abcdef", "alice"))).Succeeded);
    }

    [Fact]
    public async Task Store_KnownAccessKeyId_GivesItsSecretAndUser_AnUnknownOne_Null()
    {
        var store = new ConfiguredAwsCredentialStore(Options.Create(With(("AKIASEVAEXAMPLE00001", "0123456789abcdef", "alice"))));

        Assert.Equal(new AwsSecret("0123456789abcdef", "alice"), await store.TryGetSecretAsync("AKIASEVAEXAMPLE00001", CancellationToken.None));
        Assert.Null(await store.TryGetSecretAsync("akiasevaexample00001", CancellationToken.None));
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddAwsCompatCore();
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task AddAwsCompat_BindsTheIndexedCredentialSettings_IntoTheStoreTheVerifierUses()
    {
        await using var services = Services(new()
        {
            ["Seva:AwsCompat:Credentials:0:AccessKeyId"] = "AKIASEVAEXAMPLE00001",
            ["Seva:AwsCompat:Credentials:0:SecretAccessKey"] = "0123456789abcdef",
            ["Seva:AwsCompat:Credentials:0:UserId"] = "alice",
        });

        Assert.Equal(new AwsSecret("0123456789abcdef", "alice"), await services.GetRequiredService<IAwsCredentialStore>().TryGetSecretAsync("AKIASEVAEXAMPLE00001", CancellationToken.None));
        Assert.NotNull(services.GetRequiredService<SigV4Verifier>());
    }

    [Fact]
    public async Task AddAwsCompat_BadSettings_FailValidationNamingTheSetting()
    {
        await using var services = Services(new() { ["Seva:AwsCompat:Credentials:0:AccessKeyId"] = "short", ["Seva:AwsCompat:Credentials:0:UserId"] = "alice" });

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AwsCompatOptions>>().Value);

        Assert.Contains("Seva:AwsCompat:Credentials:0:AccessKeyId", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Seva:AwsCompat:Credentials:0:SecretAccessKey", ex.Message, StringComparison.Ordinal);
    }
}
