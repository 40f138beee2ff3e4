using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Seva.Actors.Hosting;
using Seva.Actors.Translation;

namespace Seva.Actors.Broadcast;

public static class BroadcastExtensions
{
    /// <summary>Broadcasts with translation (Apertium) on the shared speech engine.</summary>
    public static IServiceCollection AddBroadcastActors(this IServiceCollection services)
    {
        services.AddOptions<ApertiumOptions>().BindConfiguration(ApertiumOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ApertiumTranslator>();
        services.AddSingleton<ITranslator>(sp => sp.GetRequiredService<ApertiumTranslator>());
        services.AddSingleton<Seva.Actors.Speech.ISpeechSynthesizer, Seva.Actors.Speech.EspeakSynthesizer>();
        services.AddSingleton<BroadcastSessions>();
        services.AddHostedService<StatusTicker>();
        services.AddHealthChecks().AddCheck<TranslationHealthCheck>("translation", tags: [HealthTags.Ready]);
        return services;
    }

    /// <summary>Drives the speakers' periodic status (every 30 s, checked every 5 s).</summary>
    private sealed class StatusTicker(BroadcastSessions sessions, TimeProvider time) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5), time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                sessions.Tick();
            }
        }
    }
}
