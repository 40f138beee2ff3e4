namespace Seva.Actors.Dictation;

/// <summary>The one follower a resumable session's actor has: passes its events to the connection that
/// holds the session now, and keeps them while no connection does (the network dropped), to hand them
/// to the connection that resumes it.</summary>
/// <remarks>Called on the actor's turn; attaching and detaching come from connection threads, hence
/// the lock. Partials are not kept while detached (the next one replaces them anyway); finals, errors
/// and the completion are, up to <see cref="MaxKept"/> events, which a 30 s window never reaches.</remarks>
internal sealed class FollowerRelay : IDictationFollower
{
    private const int MaxKept = 1000;
    private readonly Lock _gate = new();
    private readonly List<Action<IDictationFollower>> _kept = [];
    private IDictationFollower? _current;

    /// <summary>Makes <paramref name="follower"/> the one that gets the events, after those it missed.</summary>
    public void Attach(IDictationFollower follower)
    {
        lock (_gate)
        {
            foreach (var deliver in _kept)
            {
                deliver(follower);
            }

            _kept.Clear();
            _current = follower;
        }
    }

    /// <summary>Stops passing events to <paramref name="follower"/> if it is still the current one.</summary>
    public void Detach(IDictationFollower follower)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_current, follower))
            {
                _current = null;
            }
        }
    }

    public void OnResult(DictationResult result) => Deliver(f => f.OnResult(result), keep: !result.IsPartial);

    public void OnRetracted(IReadOnlyList<string> segmentIds) => Deliver(f => f.OnRetracted(segmentIds), keep: true);

    public void OnError(DictationError error) => Deliver(f => f.OnError(error), keep: true);

    public void OnCompleted(DictationCompleted completed) => Deliver(f => f.OnCompleted(completed), keep: true);

    private void Deliver(Action<IDictationFollower> deliver, bool keep)
    {
        lock (_gate)
        {
            if (_current is not null)
            {
                deliver(_current);
            }
            else if (keep && _kept.Count < MaxKept)
            {
                _kept.Add(deliver);
            }
        }
    }
}
