using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Seva.Actors.Contracts;
using Seva.Actors.Fanout;
using Seva.Actors.Hosting;
using Seva.Actors.Hosting.InProcess;
using Seva.Actors.Translation;

namespace Seva.Actors.Broadcast;

public static class BroadcastExtensions
{
    /// <summary>Broadcasts with translation (Apertium) on the shared speech engine.</summary>
    public static IServiceCollection AddBroadcastActors(this IServiceCollection services)
    {
        services.AddOptions<BroadcastOptions>().BindConfiguration(BroadcastOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<BroadcastOptions>, BroadcastOptionsValidator>();
        services.AddOptions<ApertiumOptions>().BindConfiguration(ApertiumOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ApertiumTranslator>();
        services.AddSingleton<ITranslator>(sp => sp.GetRequiredService<ApertiumTranslator>());
        services.AddSingleton<Seva.Actors.Speech.ISpeechSynthesizer, Seva.Actors.Speech.EspeakSynthesizer>();
        services.AddSingleton<BroadcastSessions>();
        services.AddSingleton<BroadcastFollowers>();
        services.TryAddSingleton<IBroadcastEventSink, InProcessBroadcastEvents>();
        services.TryAddSingleton<InProcessBroadcastActors>();
        services.TryAddSingleton<IBroadcastActors>(sp => sp.GetRequiredService<InProcessBroadcastActors>());
        services.AddHostedService<StatusTicker>();
        services.AddHealthChecks().AddCheck<TranslationHealthCheck>("translation", tags: [HealthTags.Ready]);
        return services;
    }

    /// <summary>Drives the speakers' periodic status and ends expired broadcasts.</summary>
    private sealed class StatusTicker(BroadcastSessions sessions, IOptions<BroadcastOptions> options, TimeProvider time) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            // Often enough that a periodic status is at most a sixth of its period late, and at least every 5 s.
            var period = TimeSpan.FromTicks(Math.Clamp(options.Value.StatusPeriod.Ticks / 6, TimeSpan.FromMilliseconds(200).Ticks, TimeSpan.FromSeconds(5).Ticks));
            using var timer = new PeriodicTimer(period, time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                sessions.Tick();
            }
        }
    }
}
