using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Seva.Actors.Telemetry;

namespace Seva.Actors.Speech;

public enum EngineBreakerState
{
    /// <summary>Sessions start as usual.</summary>
    Closed,

    /// <summary>New sessions are refused until the break ends.</summary>
    Open,

    /// <summary>The break is over: one session start is let through as the probe; others are refused
    /// until it tells whether the engine works again.</summary>
    HalfOpen,
}

/// <summary>What <see cref="EngineCircuitBreaker.Admit"/> decided for one session start.</summary>
/// <param name="RetryAfterSeconds">For a refused start: when to try again.</param>
public readonly record struct EngineAdmission(bool Admitted, bool IsProbe, int RetryAfterSeconds, long Break);

/// <summary>The circuit breaker over the speech engine: after <see cref="EngineBreakerOptions.FailureThreshold"/>
/// engine failures within <see cref="EngineBreakerOptions.SamplingDuration"/> new sessions are refused
/// for <see cref="EngineBreakerOptions.BreakDuration"/>; then one start is the probe, whose stream
/// opening closes the breaker and whose failure opens it again. Thread-safe.</summary>
/// <remarks>Not Polly's circuit breaker, although Polly.Core is referenced: Polly v8 breaks on a failure
/// <em>ratio</em> of the calls it executes (every successful start dilutes it; there is no "N failures
/// in a minute"), and most engine failures are not the outcome of a call at all: a stream fails minutes
/// after its session started. Feeding those in as synthetic executions would let one of them take the
/// half-open probe's place, so the probe would no longer be a session start. This keeps the few rules
/// we need in one place. Sessions already running are never refused: only new starts are.</remarks>
public sealed class EngineCircuitBreaker(IOptions<EngineBreakerOptions> options, TimeProvider time, ILogger<EngineCircuitBreaker> logger)
{
    public const string OpenFailure = "open";
    public const string StreamFailure = "stream";

    private readonly Lock _gate = new();
    private readonly Queue<long> _failures = new();
    private EngineBreakerState _state = EngineBreakerState.Closed;
    private long _openedAt;
    private long _break;
    private long _probeStartedAt;

    public EngineBreakerState State
    {
        get
        {
            lock (_gate)
            {
                Advance();
                return _state;
            }
        }
    }

    /// <summary>Seconds until the break ends (0 unless open).</summary>
    public int RetryAfterSeconds
    {
        get
        {
            lock (_gate)
            {
                Advance();
                return _state == EngineBreakerState.Open ? SecondsLeft() : 0;
            }
        }
    }

    /// <summary>Starts something on the engine (<paramref name="open"/>: a session's stream) through the
    /// breaker: refused with <see cref="EngineBreakerOpenException"/> while it is open; otherwise the
    /// outcome is recorded (opened, an engine failure, or not tried at all).</summary>
    public async Task<T> OpenAsync<T>(Func<Task<T>> open)
    {
        ArgumentNullException.ThrowIfNull(open);
        var admission = Admit();
        if (!admission.Admitted)
        {
            throw new EngineBreakerOpenException(admission.RetryAfterSeconds);
        }

        try
        {
            var opened = await open();
            RecordOpened(admission);
            return opened;
        }
        catch (SpeechEngineException)
        {
            RecordFailure(OpenFailure);
            throw;
        }
        catch
        {
            Release(admission); // a bad field, or cancelled: the engine was not tried
            throw;
        }
    }

    /// <inheritdoc cref="OpenAsync{T}(Func{Task{T}})"/>
    public Task OpenAsync(Func<Task> open)
    {
        ArgumentNullException.ThrowIfNull(open);
        return OpenAsync(async () =>
        {
            await open();
            return true;
        });
    }

    /// <summary>Asks to start a session on the engine. An admitted start must end in
    /// <see cref="RecordOpened"/>, <see cref="RecordFailure"/> or <see cref="Release"/>.</summary>
    public EngineAdmission Admit()
    {
        lock (_gate)
        {
            Advance();
            switch (_state)
            {
                case EngineBreakerState.Closed:
                    return new EngineAdmission(true, false, 0, _break);
                case EngineBreakerState.Open:
                    return new EngineAdmission(false, false, SecondsLeft(), _break);
                default:
                    if (_probeStartedAt != 0)
                    {
                        // A probe is on its way; it takes well under a second unless the engine hangs.
                        return new EngineAdmission(false, false, 1, _break);
                    }

                    _probeStartedAt = time.GetTimestamp();
                    logger.LogInformation("Speech engine breaker half-open: letting one session start through as the probe");
                    return new EngineAdmission(true, true, 0, _break);
            }
        }
    }

    /// <summary>The session admitted with <paramref name="admission"/> has its stream: a probe closes the breaker.</summary>
    public void RecordOpened(EngineAdmission admission)
    {
        lock (_gate)
        {
            if (!admission.IsProbe || admission.Break != _break || _state != EngineBreakerState.HalfOpen)
            {
                return;
            }

            _state = EngineBreakerState.Closed;
            _probeStartedAt = 0;
            _failures.Clear();
            SevaTelemetry.EngineBreakerOpen.Add(-1);
            logger.LogInformation("Speech engine breaker closed: the probe session opened its stream");
        }
    }

    /// <summary>The admitted start ended without trying the engine (a bad field, cancelled): a probe
    /// leaves its place to the next start.</summary>
    public void Release(EngineAdmission admission)
    {
        lock (_gate)
        {
            if (admission.IsProbe && admission.Break == _break && _state == EngineBreakerState.HalfOpen)
            {
                _probeStartedAt = 0;
            }
        }
    }

    /// <summary>The engine failed: a stream could not be opened (<see cref="OpenFailure"/>), or failed
    /// mid-session (<see cref="StreamFailure"/>).</summary>
    public void RecordFailure(string kind)
    {
        SevaTelemetry.EngineFailures.Add(1, new KeyValuePair<string, object?>("kind", kind));
        lock (_gate)
        {
            Advance();
            var now = time.GetTimestamp();
            _failures.Enqueue(now);
            while (_failures.Count > 0 && time.GetElapsedTime(_failures.Peek(), now) > options.Value.SamplingDuration)
            {
                _failures.Dequeue();
            }

            // Half-open, any failure (the probe's or a running session's) says the engine is not back yet.
            if (_state == EngineBreakerState.HalfOpen || (_state == EngineBreakerState.Closed && _failures.Count >= options.Value.FailureThreshold))
            {
                if (_state == EngineBreakerState.Closed)
                {
                    SevaTelemetry.EngineBreakerOpen.Add(1);
                }

                _state = EngineBreakerState.Open;
                _openedAt = now;
                _probeStartedAt = 0;
                _break++;
                logger.LogWarning("Speech engine breaker open: {Failures} engine failures within {Window}; new sessions are refused for {Break}", _failures.Count, options.Value.SamplingDuration, options.Value.BreakDuration);
            }
        }
    }

    private void Advance()
    {
        var breakDuration = options.Value.BreakDuration;
        if (_state == EngineBreakerState.Open && time.GetElapsedTime(_openedAt) >= breakDuration)
        {
            _state = EngineBreakerState.HalfOpen;
            _probeStartedAt = 0;
        }
        else if (_state == EngineBreakerState.HalfOpen && _probeStartedAt != 0 && time.GetElapsedTime(_probeStartedAt) >= breakDuration)
        {
            // The probe never told (its start hung or was lost): let another start try, or no session
            // would ever start again.
            _probeStartedAt = 0;
        }
    }

    private int SecondsLeft() =>
        Math.Max(1, (int)Math.Ceiling((options.Value.BreakDuration - time.GetElapsedTime(_openedAt)).TotalSeconds));
}

/// <summary>The engine's breaker is open: new sessions are refused for <see cref="RetryAfterSeconds"/>.</summary>
public sealed class EngineBreakerOpenException(int retryAfterSeconds)
    : Exception($"The speech engine failed repeatedly: new sessions are refused for {retryAfterSeconds} s.")
{
    public int RetryAfterSeconds { get; } = retryAfterSeconds;
}
