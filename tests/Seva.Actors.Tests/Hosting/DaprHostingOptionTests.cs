using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Seva.Actors.Hosting;
using Seva.Actors.Hosting.Dapr;

namespace Seva.Actors.Tests.Hosting;

/// <summary>Seva:Hosting:Dapr settings (EndedStateTtl, CheckInterval) as the app binds them: from configuration, checked at start-up.</summary>
public sealed class DaprHostingOptionTests
{
    [Fact]
    public void NoSetting_KeepsAnEndedBroadcastsStateADay()
    {
        Assert.Equal(TimeSpan.FromHours(24), Bind(null).Dapr.EndedStateTtl);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:00:01")]
    [InlineData("365.00:00:00")]
    public void ZeroForGood_OrFromASecondToAYear_IsTaken(string ttl)
    {
        Assert.Equal(TimeSpan.Parse(ttl, System.Globalization.CultureInfo.InvariantCulture), Bind(ttl).Dapr.EndedStateTtl);
    }

    [Theory]
    [InlineData("-00:00:01")]
    [InlineData("00:00:00.500")]
    [InlineData("366.00:00:00")]
    public void AnythingElse_IsRefusedAtStartUp_SayingWhatIsAllowed(string ttl)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Bind(ttl));

        var failure = Assert.Single(ex.Failures);
        Assert.Contains("Seva:Hosting:Dapr:EndedStateTtl", failure, StringComparison.Ordinal);
        Assert.Contains("from 00:00:01 to 365.00:00:00", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:10:01")]
    public void ACheckIntervalOutOfRange_IsRefusedAtStartUp(string interval)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Bind(null, interval));

        Assert.Contains("Seva:Hosting:Dapr:CheckInterval", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    private static HostingOptions Bind(string? ttl, string? checkInterval = null)
    {
        var settings = new Dictionary<string, string?>();
        if (ttl is not null)
        {
            settings["Seva:Hosting:Dapr:EndedStateTtl"] = ttl;
        }

        if (checkInterval is not null)
        {
            settings["Seva:Hosting:Dapr:CheckInterval"] = checkInterval;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSevaHosting(configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<HostingOptions>>().Value;
    }
}
