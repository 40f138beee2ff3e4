using Microsoft.Extensions.Logging;
using Seva.Actors.Contracts;
using Seva.Actors.Dictation;
using Seva.Actors.Storage;

namespace Seva.Actors.Fanout;

/// <summary>The dictation followers this host holds (see <see cref="FollowerRegistry{TEvent}"/>).</summary>
public sealed class DictationFollowers(RecordLease host, ILogger<DictationFollowers> logger) : FollowerRegistry<DictationEvent>(host, logger)
{
    /// <summary>Registers <paramref name="follower"/>; <paramref name="onSuperseded"/> runs when another
    /// connection resumed its session.</summary>
    public FollowerRegistration<DictationEvent> Register(IDictationFollower follower, Action? onSuperseded = null)
    {
        ArgumentNullException.ThrowIfNull(follower);
        return Register(e => Dispatch(follower, onSuperseded, e));
    }

    public void Deliver(FollowerAddress to, DictationEvent dictationEvent)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(dictationEvent);
        Deliver(to.ConnectionId, dictationEvent.Sequence, dictationEvent);
    }

    private static void Dispatch(IDictationFollower follower, Action? onSuperseded, DictationEvent e)
    {
        if (e.Result is not null)
        {
            follower.OnResult(e.Result);
        }
        else if (e.Retracted is not null)
        {
            follower.OnRetracted(e.Retracted);
        }
        else if (e.Error is not null)
        {
            follower.OnError(e.Error);
        }
        else if (e.Completed is not null)
        {
            follower.OnCompleted(e.Completed);
        }
        else if (e.Superseded)
        {
            onSuperseded?.Invoke();
        }
    }
}
