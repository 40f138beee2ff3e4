using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Seva.Actors.Hosting;

namespace Seva.Actors.Tests.Hosting;

/// <summary><c>Seva:ShutdownTimeout</c> as the app binds it: validated, and the host's own shutdown timeout.</summary>
public sealed class ShutdownOptionsTests
{
    [Fact]
    public void NoSetting_StopsWithinTenSeconds_HostIncluded()
    {
        using var services = Build([]);
        Assert.Equal(TimeSpan.FromSeconds(10), services.GetRequiredService<IOptions<ShutdownOptions>>().Value.ShutdownTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }

    [Fact]
    public void Setting_BecomesTheHostsShutdownTimeout()
    {
        using var services = Build(new() { ["Seva:ShutdownTimeout"] = "00:00:03" });
        Assert.Equal(TimeSpan.FromSeconds(3), services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("01:00:00")]
    public void OutOfRange_IsRefusedNamingTheSetting(string value)
    {
        using var services = Build(new() { ["Seva:ShutdownTimeout"] = value });
        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ShutdownOptions>>().Value);
        Assert.Contains("Seva:ShutdownTimeout", ex.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddSevaShutdown().BuildServiceProvider();
    }
}
