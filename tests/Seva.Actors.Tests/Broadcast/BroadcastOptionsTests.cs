using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Seva.Actors.Broadcast;

namespace Seva.Actors.Tests.Broadcast;

/// <summary>The broadcast limits as the app binds them: from configuration, checked at start-up.</summary>
public sealed class BroadcastOptionsTests
{
    [Fact]
    public void NoSettings_GiveTheDocumentedLimits()
    {
        var options = Bind([]);
        Assert.Equal(50, options.AudioChunksPerSecond);
        Assert.Equal(10, options.ControlMessagesPerSecond);
        Assert.Equal(2, options.StatusQueriesPerSecond);
        Assert.Equal(32 * 1024, options.MaxAudioChunkBytes);
        Assert.Equal(TimeSpan.FromMinutes(5), options.RecentCaptionsWindow);
        Assert.Equal(TimeSpan.FromHours(12), options.MaxDuration);
        Assert.Equal(TimeSpan.FromSeconds(30), options.StatusPeriod);
    }

    [Fact]
    public void Settings_UnderSevaBroadcast_AreBound()
    {
        var options = Bind(new() { ["Seva:Broadcast:ControlMessagesPerSecond"] = "3", ["Seva:Broadcast:RecentCaptionsWindow"] = "00:01:00" });
        Assert.Equal(3, options.ControlMessagesPerSecond);
        Assert.Equal(TimeSpan.FromMinutes(1), options.RecentCaptionsWindow);
    }

    [Fact]
    public void OutOfRangeValues_AreRefused_NamingEverySetting()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Bind(new()
        {
            ["Seva:Broadcast:ControlMessagesPerSecond"] = "0",
            ["Seva:Broadcast:MaxAudioChunkBytes"] = "1000000",
            ["Seva:Broadcast:StatusPeriod"] = "00:00:00",
        }));
        Assert.Contains("ControlMessagesPerSecond", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxAudioChunkBytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("StatusPeriod", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CloseBeforeWarning_IsRefused_SayingWhichSettingToChange()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Bind(new()
        {
            ["Seva:Broadcast:AudioRateWarningAfter"] = "00:00:20",
            ["Seva:Broadcast:AudioRateCloseAfter"] = "00:00:10",
        }));
        var failure = Assert.Single(ex.Failures);
        Assert.Contains("Seva:Broadcast:AudioRateCloseAfter (00:00:10) must be longer than Seva:Broadcast:AudioRateWarningAfter (00:00:20)", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void RecentCaptionsWindowLongerThanABroadcast_IsRefused()
    {
        var result = new BroadcastOptionsValidator().Validate(null, new BroadcastOptions { MaxDuration = TimeSpan.FromMinutes(2), RecentCaptionsWindow = TimeSpan.FromMinutes(3) });
        Assert.True(result.Failed);
        Assert.Contains("RecentCaptionsWindow", result.FailureMessage, StringComparison.Ordinal);
    }

    private static BroadcastOptions Bind(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddBroadcastActors();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<BroadcastOptions>>().Value;
    }
}
