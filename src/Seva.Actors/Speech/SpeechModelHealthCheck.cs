using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Seva.Actors.Speech;

/// <summary>Ready once the speech model has loaded into a decoder (start-up loads one in the
/// background); unhealthy if the last load failed.</summary>
public sealed class SpeechModelHealthCheck(ISpeechEngine engine) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = engine.GetStatus();
        var data = new Dictionary<string, object>
        {
            ["decoders_loaded"] = status.DecodersLoaded,
            ["decoders_idle"] = status.DecodersIdle,
            ["decode_workers"] = status.DecodeWorkers,
        };
        var result = status switch
        {
            { ModelError: { } error } => HealthCheckResult.Unhealthy("The speech model failed to load: " + error, data: data),
            { ModelLoaded: true } => HealthCheckResult.Healthy("The speech model is loaded", data),
            _ => HealthCheckResult.Unhealthy("The speech model is still loading", data: data),
        };
        return Task.FromResult(result);
    }
}
