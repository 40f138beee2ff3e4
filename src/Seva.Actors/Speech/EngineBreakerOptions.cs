using System.ComponentModel.DataAnnotations;

namespace Seva.Actors.Speech;

/// <summary>When the speech engine's circuit breaker refuses new sessions (see <see cref="EngineCircuitBreaker"/>).</summary>
public sealed class EngineBreakerOptions
{
    public const string SectionName = "Seva:Speech:Breaker";

    /// <summary>Engine failures (streams that could not open, streams that failed mid-session) within
    /// <see cref="SamplingDuration"/> that open the breaker.</summary>
    [Range(1, 10_000)]
    public int FailureThreshold { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long new sessions are refused once the breaker opens; then one session start is let
    /// through as a probe.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
