using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Seva.Actors.Contracts;
using Seva.Actors.Storage;

namespace Seva.Actors.Fanout;

/// <summary>The followers (sockets, circuits, uploads) this host holds, by address: where the fan-out
/// delivers a session's events, in order, whichever host runs the session.</summary>
public class FollowerRegistry<TEvent>(RecordLease host, ILogger logger)
    where TEvent : class
{
    private readonly ConcurrentDictionary<string, FollowerRegistration<TEvent>> _registrations = new(StringComparer.Ordinal);

    public string HostId => host.HostId;

    /// <summary>Gives a follower an address; its events go to <paramref name="dispatch"/>. They wait until
    /// <see cref="FollowerRegistration{TEvent}.Open"/>, so a caller can answer its client first (a resumed
    /// connection sends its acknowledgement before the finals it missed).</summary>
    public FollowerRegistration<TEvent> Register(Action<TEvent> dispatch)
    {
        var address = new FollowerAddress(host.HostId, Guid.NewGuid().ToString("N"));
        var registration = new FollowerRegistration<TEvent>(address, dispatch, r => _registrations.TryRemove(r.Address.ConnectionId, out _), logger);
        _registrations[address.ConnectionId] = registration;
        return registration;
    }

    /// <summary>An event arrived for one of this host's followers (one that left meanwhile is skipped).</summary>
    public void Deliver(string connectionId, long sequence, TEvent sessionEvent)
    {
        if (_registrations.TryGetValue(connectionId, out var registration))
        {
            registration.Deliver(sequence, sessionEvent);
        }
        else
        {
            logger.LogDebug("Dropped event {Sequence} for connection {ConnectionId}: its follower has left", sequence, connectionId);
        }
    }
}

/// <summary>One follower's place in a <see cref="FollowerRegistry{TEvent}"/>; disposing it removes it.
/// Events are numbered from 1 per follower: they are passed on in that order, each once.</summary>
/// <remarks>A session that moved to another actor host numbers its events afresh there, in a new epoch
/// (<see cref="EventSequence"/>), whose numbers all sort after the earlier epoch's. How many events the
/// earlier host sent is not known here, so the new epoch's events wait as behind any gap: the last
/// events of the earlier host (its final words, published through another sidecar) may still come, and
/// are passed on first; after the gap wait the new epoch goes on, and a straggler after that is dropped.</remarks>
public sealed class FollowerRegistration<TEvent> : IDisposable
    where TEvent : class
{
    /// <summary>Events held back waiting for a missing earlier one; past this, the gap is given up.</summary>
    private const int MaxHeldBack = 1000;

    /// <summary>How long a missing event is waited for: pub/sub may deliver out of order, but an event
    /// lost for good (its publishing failed) must not hold back the rest of the session.</summary>
    private static readonly TimeSpan GapWait = TimeSpan.FromSeconds(2);

    private readonly Action<TEvent> _dispatch;
    private readonly Action<FollowerRegistration<TEvent>> _remove;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly SortedDictionary<long, TEvent> _waiting = [];
    private long _next = 1;
    private bool _open;
    private ITimer? _gapTimer;

    internal FollowerRegistration(FollowerAddress address, Action<TEvent> dispatch, Action<FollowerRegistration<TEvent>> remove, ILogger logger)
    {
        Address = address;
        _dispatch = dispatch;
        _remove = remove;
        _logger = logger;
    }

    public FollowerAddress Address { get; }

    /// <summary>Starts passing events on, beginning with those that came meanwhile.</summary>
    public void Open()
    {
        lock (_gate)
        {
            _open = true;
            DeliverReady();
        }
    }

    public void Dispose()
    {
        _remove(this);
        lock (_gate)
        {
            _gapTimer?.Dispose();
            _gapTimer = null;
        }
    }

    internal void Deliver(long sequence, TEvent sessionEvent)
    {
        lock (_gate)
        {
            if (sequence < _next || !_waiting.TryAdd(sequence, sessionEvent))
            {
                return; // a duplicate (pub/sub delivers at least once)
            }

            if (_waiting.Count > MaxHeldBack)
            {
                SkipGap();
            }

            if (_open)
            {
                DeliverReady();
            }
        }
    }

    /// <summary>Gives up the missing events before the first one held back.</summary>
    private void SkipGap()
    {
        if (_waiting.Count == 0)
        {
            return;
        }

        _logger.LogWarning("Events of connection {ConnectionId} before {Sequence} never arrived: going on without them", Address.ConnectionId, _waiting.First().Key);
        _next = _waiting.First().Key;
    }

    private void Dispatch(TEvent sessionEvent)
    {
        try
        {
            _dispatch(sessionEvent);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "A follower on connection {ConnectionId} failed", Address.ConnectionId);
        }
    }

    private void OnGapTimeout()
    {
        lock (_gate)
        {
            _gapTimer?.Dispose();
            _gapTimer = null;
            if (_waiting.Count > 0 && !_waiting.ContainsKey(_next))
            {
                SkipGap();
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
            Dispatch(ready);
        }

        // Something is still held back behind a gap: wait a little for the missing event, then go on.
        if (_waiting.Count > 0 && _gapTimer is null)
        {
            _gapTimer = TimeProvider.System.CreateTimer(_ => OnGapTimeout(), null, GapWait, Timeout.InfiniteTimeSpan);
        }
    }
}
