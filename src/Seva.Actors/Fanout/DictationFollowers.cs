using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Seva.Actors.Contracts;
using Seva.Actors.Dictation;
using Seva.Actors.Storage;

namespace Seva.Actors.Fanout;

/// <summary>The followers (sockets, circuits, uploads) this host holds, by address: where the fan-out
/// delivers a session's events, in order, whichever host runs the session.</summary>
public sealed class DictationFollowers(RecordLease host, ILogger<DictationFollowers> logger)
{
    private readonly ConcurrentDictionary<string, DictationFollowerRegistration> _registrations = new(StringComparer.Ordinal);

    public string HostId => host.HostId;

    /// <summary>Gives <paramref name="follower"/> an address. Events wait until
    /// <see cref="DictationFollowerRegistration.Open"/>, so a caller can answer its client first (a
    /// resumed connection sends its acknowledgement before the finals it missed).</summary>
    public DictationFollowerRegistration Register(IDictationFollower follower, Action? onSuperseded = null)
    {
        var address = new FollowerAddress(host.HostId, Guid.NewGuid().ToString("N"));
        var registration = new DictationFollowerRegistration(address, follower, onSuperseded, r => _registrations.TryRemove(r.Address.ConnectionId, out _), logger);
        _registrations[address.ConnectionId] = registration;
        return registration;
    }

    /// <summary>An event arrived for one of this host's followers (one that left meanwhile is skipped).</summary>
    public void Deliver(FollowerAddress to, DictationEvent dictationEvent)
    {
        ArgumentNullException.ThrowIfNull(to);
        if (_registrations.TryGetValue(to.ConnectionId, out var registration))
        {
            registration.Deliver(dictationEvent);
        }
        else
        {
            logger.LogDebug("Dropped event {Sequence} of session {SessionId}: its follower has left", dictationEvent.Sequence, dictationEvent.SessionId);
        }
    }
}

/// <summary>One follower's place in <see cref="DictationFollowers"/>; disposing it removes it.</summary>
public sealed class DictationFollowerRegistration : IDisposable
{
    /// <summary>Events held back waiting for a missing earlier one; past this, the gap is given up.</summary>
    private const int MaxHeldBack = 1000;

    private readonly IDictationFollower _follower;
    private readonly Action? _onSuperseded;
    private readonly Action<DictationFollowerRegistration> _remove;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly SortedDictionary<long, DictationEvent> _waiting = [];
    private long _next = 1;
    private bool _open;

    internal DictationFollowerRegistration(FollowerAddress address, IDictationFollower follower, Action? onSuperseded, Action<DictationFollowerRegistration> remove, ILogger logger)
    {
        Address = address;
        _follower = follower;
        _onSuperseded = onSuperseded;
        _remove = remove;
        _logger = logger;
    }

    public FollowerAddress Address { get; }

    /// <summary>Starts passing events to the follower, beginning with those that came meanwhile.</summary>
    public void Open()
    {
        lock (_gate)
        {
            _open = true;
            DeliverReady();
        }
    }

    public void Dispose() => _remove(this);

    internal void Deliver(DictationEvent dictationEvent)
    {
        lock (_gate)
        {
            if (dictationEvent.Sequence < _next || !_waiting.TryAdd(dictationEvent.Sequence, dictationEvent))
            {
                return; // a duplicate (pub/sub delivers at least once)
            }

            if (_waiting.Count > MaxHeldBack)
            {
                _logger.LogWarning("Events of session {SessionId} before {Sequence} never arrived: going on without them", dictationEvent.SessionId, _waiting.First().Key);
                _next = _waiting.First().Key;
            }

            if (_open)
            {
                DeliverReady();
            }
        }
    }

    private void DeliverReady()
    {
        while (_waiting.Remove(_next, out var ready))
        {
            _next++;
            try
            {
                Dispatch(ready);
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "A follower of session {SessionId} failed", ready.SessionId);
            }
        }
    }

    private void Dispatch(DictationEvent e)
    {
        if (e.Result is not null)
        {
            _follower.OnResult(e.Result);
        }
        else if (e.Retracted is not null)
        {
            _follower.OnRetracted(e.Retracted);
        }
        else if (e.Error is not null)
        {
            _follower.OnError(e.Error);
        }
        else if (e.Completed is not null)
        {
            _follower.OnCompleted(e.Completed);
        }
        else if (e.Superseded)
        {
            _onSuperseded?.Invoke();
        }
    }
}
