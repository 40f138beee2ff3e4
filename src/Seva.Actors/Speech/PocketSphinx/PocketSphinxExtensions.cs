using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Seva.Actors.Hosting;

namespace Seva.Actors.Speech.PocketSphinx;

public static class PocketSphinxExtensions
{
    /// <summary>Registers PocketSphinx as the <see cref="ISpeechEngine"/>, validated at start-up.</summary>
    public static IServiceCollection AddPocketSphinx(this IServiceCollection services)
    {
        services.AddOptions<PocketSphinxOptions>()
            .BindConfiguration(PocketSphinxOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<PocketSphinxOptions>, PocketSphinxOptionsValidator>();
        services.AddSingleton<SpeechMetrics>();
        services.AddSingleton<DecoderPool>();
        services.AddSingleton<DecodeWorkers>();
        services.AddSingleton<ISpeechEngine, PocketSphinxEngine>();
        services.AddHostedService<DecoderWarmUp>();
        services.AddHealthChecks().AddCheck<SpeechModelHealthCheck>("speech_model", tags: [HealthTags.Ready]);
        return services;
    }

    /// <summary>Loads the idle decoders in the background after start-up, so the first session starts at once.</summary>
    private sealed class DecoderWarmUp(DecoderPool pool) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => pool.WarmAsync(stoppingToken);
    }
}
