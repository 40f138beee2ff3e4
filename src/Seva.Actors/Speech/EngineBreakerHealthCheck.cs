using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Seva.Actors.Speech;

/// <summary>Not ready while the engine's circuit breaker is open (new sessions are refused), degraded
/// while half-open: starts come through again (one at a time until the probe succeeds), so the instance
/// must stay reachable for the probe.</summary>
public sealed class EngineBreakerHealthCheck(EngineCircuitBreaker breaker) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var retryAfter = breaker.RetryAfterSeconds;
        var result = breaker.State switch
        {
            EngineBreakerState.Open => HealthCheckResult.Unhealthy($"The speech engine failed repeatedly: new sessions are refused for {retryAfter} s more", data: new Dictionary<string, object> { ["retry_after"] = retryAfter }),
            EngineBreakerState.HalfOpen => HealthCheckResult.Degraded("The speech engine failed repeatedly: the next session start tests it"),
            _ => HealthCheckResult.Healthy("The speech engine's circuit breaker is closed"),
        };
        return Task.FromResult(result);
    }
}
