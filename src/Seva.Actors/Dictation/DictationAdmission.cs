using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Seva.Actors.Speech;

namespace Seva.Actors.Dictation;

/// <summary>Whether this machine takes one more dictation: the concurrent-session limit and the overload
/// guard. Sessions run where their engine is, so both actor hosts (in-process and Dapr) ask the one
/// instance of the process that would run the session.</summary>
public sealed class DictationAdmission(IOptions<DictationOptions> options, SpeechMetrics metrics, ILogger<DictationAdmission> logger)
{
    private int _admitted;

    /// <summary>Sessions holding a slot now.</summary>
    public int Admitted => Volatile.Read(ref _admitted);

    /// <summary>Takes a slot, freed by disposing it; throws <see cref="DictationException"/>
    /// (SESSION_LIMIT_EXCEEDED) when the limit is reached or decoding already lags.</summary>
    public IDisposable Admit()
    {
        var limit = options.Value.MaxConcurrentSessions;
        if (Interlocked.Increment(ref _admitted) > limit)
        {
            Interlocked.Decrement(ref _admitted);
            logger.LogWarning("Refused a dictation session: {Limit} sessions are active", limit);
            throw new DictationException(DictationError.SessionLimit(options.Value.RetryAfterSeconds));
        }

        // Overload: when decoding already lags, one more stream would make every session lag. Refuse it.
        var delay = metrics.RecentDelay;
        if (delay > options.Value.OverloadQueueDelay)
        {
            Interlocked.Decrement(ref _admitted);
            logger.LogWarning("Refused a dictation session: decoding lags by {Delay} ms", delay.TotalMilliseconds);
            throw new DictationException(DictationError.SessionLimit(options.Value.RetryAfterSeconds));
        }

        return new Slot(this);
    }

    private sealed class Slot(DictationAdmission admission) : IDisposable
    {
        private int _freed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _freed, 1) == 0)
            {
                Interlocked.Decrement(ref admission._admitted);
            }
        }
    }
}
