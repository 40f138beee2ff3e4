using Seva.Actors.Speech;

namespace Seva.Actors.Broadcast;

/// <summary>A broadcast moving between actor hosts (Dapr places its actor elsewhere): given up on one
/// without ending, taken up on the next from what the first saved.</summary>
public sealed partial class BroadcastActor
{
    /// <summary>Takes up a broadcast that ran on another host from what that host saved: its speaker, its
    /// listeners with their languages and audio, the speaker's controls and its start time (it expires when
    /// it would have), on a fresh speech stream. Nobody is told: to them it simply goes on. What the other
    /// host held only in memory is not carried: the recent captions a late listener would have been given,
    /// and, if that host died, the utterance being spoken and the captions being translated.</summary>
    /// <remarks>An expired broadcast gets no stream: its next tick ends it (<see cref="LiveBroadcast.TickAsync"/>).</remarks>
    public async Task ContinueAsync(BroadcastCarryOver carried, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(carried);
        CreatedAt = carried.StartedAt;
        State = carried.State;
        SpeakerConnectionId = carried.SpeakerConnectionId;
        _speaker = carried.Speaker;
        if (!IsExpired)
        {
            _stream = await _engine.OpenStreamAsync(new SpeechStreamOptions("en-US", []), this, cancellationToken);
        }

        // Counted only once the stream opened: a broadcast that cannot go on here takes no listeners.
        var now = _time.GetUtcNow();
        foreach (var listener in carried.Listeners)
        {
            _listeners[listener.ConnectionId] = (new ListenerInfo(listener.ConnectionId, listener.Language, listener.AudioOn, now), listener.Client);
            CountListener(listener.Language, +1);
        }

        // The speaker was told about this audience before the move: starting the count afresh here is
        // not news (a "newLanguage" status for every language), so the periodic one comes next.
        var distribution = StatusTrigger.Distribution(_listeners.Values.Select(l => l.Info.Language));
        _trigger.Reported(distribution, now);
    }

    /// <summary>Stops the broadcast on this host without ending it: its actor host gives it up (Dapr moved
    /// the actor) and it goes on where its next call is placed (<see cref="ContinueAsync"/>). The words
    /// already spoken are finished and sent; nobody is told anything more, so listeners see a pause.</summary>
    public async Task SuspendAsync(CancellationToken cancellationToken)
    {
        if (!State.IsActive)
        {
            return;
        }

        await CloseStreamAsync(cancellationToken);
        _speaker = null;
        DropListeners();
    }
}
