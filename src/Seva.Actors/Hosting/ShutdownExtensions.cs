using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Seva.Actors.Hosting;

public static class ShutdownExtensions
{
    /// <summary>Binds <c>Seva:ShutdownTimeout</c> and makes it the host's shutdown timeout too, so a stop
    /// never waits longer than it, whatever still runs.</summary>
    public static IServiceCollection AddSevaShutdown(this IServiceCollection services)
    {
        services.AddOptions<ShutdownOptions>()
            .BindConfiguration(ShutdownOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<HostOptions>()
            .Configure<IOptions<ShutdownOptions>>((host, seva) => host.ShutdownTimeout = seva.Value.ShutdownTimeout);
        return services;
    }
}
