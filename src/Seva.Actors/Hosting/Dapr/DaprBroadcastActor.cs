using Dapr.Actors.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Seva.Actors.Broadcast;
using Seva.Actors.Contracts;
using Seva.Actors.Hosting.InProcess;

namespace Seva.Actors.Hosting.Dapr;

/// <summary>The Dapr host of a broadcast: Dapr places it and puts its calls in turn; the broadcast itself
/// is the one the in-process host runs (<see cref="InProcessBroadcastActors"/>), on this machine's engine,
/// translator and voice. Added here: its state in the actor state store, saved as it changes (which also
/// keeps its id taken until the state expires), the timer for status and expiry, and going on with it
/// from that state when Dapr places the actor on another host.</summary>
[Actor(TypeName = TypeName)]
public sealed class DaprBroadcastActor : Actor, IBroadcastActor
{
    public const string TypeName = "BroadcastActor";
    internal const string StateKey = "broadcast";
    private const string TimerName = "tick";

    private readonly InProcessBroadcastActors _local;
    private readonly BroadcastSessions _sessions;
    private readonly TimeSpan _tick;
    private readonly TimeSpan _endedStateTtl;
    private readonly TimeProvider _time;
    private BroadcastActorState? _state;

    /// <summary>Whether this activation started the broadcast or took it up. If so, a broadcast no longer
    /// live here ended here (the speaker ended it, its time ran out) and is not to be taken up again.</summary>
    private bool _ranHere;

    /// <param name="stateManager">Given by tests (Dapr's documented pattern); the runtime's otherwise.</param>
    public DaprBroadcastActor(ActorHost host, InProcessBroadcastActors local, BroadcastSessions sessions, IOptions<BroadcastOptions> options, IOptions<HostingOptions> hosting, TimeProvider time, IActorStateManager? stateManager = null)
        : base(host)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(hosting);
        _local = local;
        _sessions = sessions;
        _time = time;
        _endedStateTtl = hosting.Value.Dapr.EndedStateTtl;
        _tick = TimeSpan.FromTicks(Math.Clamp(options.Value.StatusPeriod.Ticks / 6, TimeSpan.FromMilliseconds(200).Ticks, TimeSpan.FromSeconds(5).Ticks));
        if (stateManager is not null)
        {
            StateManager = stateManager;
        }
    }

    private string BroadcastId => Id.GetId();

    private IBroadcastActor Local => _local.Get(BroadcastId);

    private LiveBroadcast? Live => _sessions.Find(BroadcastId);

    /// <summary>Saved as running, not live here, and never run by this activation: it ran on another host
    /// (one that went away, or one Dapr moved the actor from, this one included).</summary>
    private bool RanElsewhere => !_ranHere && _state is { Status: BroadcastActorStatus.Running } && Live is null;

    public async Task<BroadcastStartReply> StartAsync(BroadcastStartRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_state is not null)
        {
            // An id stays taken while its state is kept (Seva:Hosting:Dapr:EndedStateTtl), so a listener's
            // old link never reaches someone else's broadcast.
            return new BroadcastStartReply(null, new BroadcastError(409, BroadcastLauncher.IdTaken, $"Broadcast id {BroadcastId} is taken."));
        }

        var reply = await Local.StartAsync(request);
        if (reply.Started is { State: { } state } && Live is { } live)
        {
            _ranHere = true;
            try
            {
                await SaveRunningAsync(BroadcastActorState.Started(BroadcastId, request, live.Actor.CreatedAt, state));
                await RegisterTimerAsync(TimerName, nameof(TickAsync), null, _tick, _tick);
            }
            catch (Exception ex)
            {
                // Without its state and timer it could not be found again nor expire: it does not go live.
                Logger.LogError(ex, "Broadcast {SessionId} could not save its state: ending it", BroadcastId);
                await Local.EndAsync(new BroadcastEndRequest(BroadcastSessions.HostShutdown));
                return new BroadcastStartReply(null, new BroadcastError(503, "SERVICE_UNAVAILABLE", "The broadcast's state could not be saved. Please try again."));
            }
        }

        return reply;
    }

    public async Task<BroadcastReply> AcceptAudioAsync(BroadcastAudioRequest request) =>
        await GoOnHereAsync() is { } refused ? new BroadcastReply(refused) : await Local.AcceptAudioAsync(request);

    public async Task<BroadcastControlReply> ControlAsync(BroadcastControlRequest request)
    {
        if (await GoOnHereAsync() is { } refused)
        {
            return new BroadcastControlReply(null, refused);
        }

        var reply = await Local.ControlAsync(request);
        if (reply.State is { } state && _state is { Status: BroadcastActorStatus.Running } running && state != running.State)
        {
            // So a host that goes on with it goes on paused, muted, at this volume.
            await SaveRunningAsync(running with { State = state });
        }

        return reply;
    }

    public async Task<BroadcastJoinReply> JoinAsync(BroadcastJoinRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await GoOnHereAsync() is { } refused)
        {
            return new BroadcastJoinReply([], null, refused);
        }

        var reply = await Local.JoinAsync(request);
        if (reply.State is not null && _state is { Status: BroadcastActorStatus.Running } running)
        {
            await SaveRunningAsync(running with { Listeners = [.. running.Listeners.Where(l => l.Address.ConnectionId != request.Listener.ConnectionId), new BroadcastListener(request.Listener, request.Language, request.AudioOn)] });
        }

        return reply;
    }

    public async Task<BroadcastReply> ChangeListenerAsync(BroadcastListenerChange request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await GoOnHereAsync() is { } refused)
        {
            return new BroadcastReply(refused);
        }

        var reply = await Local.ChangeListenerAsync(request);
        if (reply.Error is null && _state is { Status: BroadcastActorStatus.Running } running)
        {
            await SaveRunningAsync(running with
            {
                Listeners = [.. running.Listeners.Select(l => l.Address.ConnectionId != request.ConnectionId ? l : l with { Language = request.Language ?? l.Language, AudioOn = request.AudioOn ?? l.AudioOn })],
            });
        }

        return reply;
    }

    public async Task LeaveAsync(BroadcastLeaveRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await GoOnHereAsync() is not null)
        {
            return;
        }

        await Local.LeaveAsync(request);
        if (_state is { Status: BroadcastActorStatus.Running } running)
        {
            await SaveRunningAsync(running with { Listeners = [.. running.Listeners.Where(l => l.Address.ConnectionId != request.ConnectionId)] });
        }
    }

    public async Task<BroadcastSnapshot> GetSnapshotAsync(BroadcastSnapshotRequest request) =>
        await GoOnHereAsync() is null ? await Local.GetSnapshotAsync(request) : new BroadcastSnapshot(BroadcastId, false, null, null, []);

    public async Task EndAsync(BroadcastEndRequest request)
    {
        // One that went on elsewhere is taken up first, so its listeners are told it ended and why.
        if (await GoOnHereAsync() is null)
        {
            await Local.EndAsync(request);
        }

        await SaveEndedIfOverAsync();
    }

    /// <summary>The actor's timer: periodic status and expiry.</summary>
    public async Task TickAsync()
    {
        if (await GoOnHereAsync() is not null)
        {
            return;
        }

        await Local.TickAsync();
        await SaveEndedIfOverAsync();
    }

    protected override async Task OnActivateAsync()
    {
        var saved = await StateManager.TryGetStateAsync<BroadcastActorState>(StateKey);
        _state = saved.HasValue ? saved.Value : null;
        if (RanElsewhere)
        {
            Logger.LogInformation("Broadcast {SessionId} ran on another actor host: it goes on here with its next call", BroadcastId);
        }
    }

    /// <summary>Dapr drops the actor: rebalancing, a host draining or shutting down. (Not for idleness while
    /// the broadcast is live: daprd counts each call of its timer as use.) The broadcast stops here without
    /// ending, its listeners untold, and goes on from its saved state wherever its next call is placed.
    /// One that really is over, its time run out, ends for everyone instead.</summary>
    /// <remarks>Nothing can be saved here: daprd takes the actor out of its table before it calls this and
    /// refuses its state writes (ERR_ACTOR_INSTANCE_MISSING). So every change was saved as it happened; an
    /// expired broadcast's state, still Running, is marked Ended by its next activation (or expires).</remarks>
    protected override async Task OnDeactivateAsync()
    {
        if (Live is not { } live)
        {
            return;
        }

        if (live.Actor.IsExpired)
        {
            await live.EndAsync("expired");
            return;
        }

        Logger.LogInformation("Broadcast {SessionId} deactivated by Dapr while live: it goes on where its actor is placed next", BroadcastId);
        await live.SuspendAsync();
    }

    internal Task ActivateAsync() => OnActivateAsync();

    internal Task DeactivateAsync() => OnDeactivateAsync();

    /// <summary>Before every call: a broadcast that ran on another host goes on here first, from its saved
    /// state, on this host's engine, its events in the next epoch. Null when the call can be taken (also
    /// when its time ran out while it moved, so it just ended); else the error to answer.</summary>
    private async Task<BroadcastError?> GoOnHereAsync()
    {
        if (!RanElsewhere)
        {
            return null;
        }

        var saved = _state!;
        BroadcastContinuation continuation;
        _ranHere = true;
        try
        {
            continuation = saved.NextContinuation();
            await _local.ContinueAsync(BroadcastId, continuation);
        }
        catch (Exception ex)
        {
            // Whatever stops it (the engine refuses, the saved state is unreadable), it is marked ended
            // rather than tried again on every call.
            Logger.LogError(ex, "Broadcast {SessionId} could not go on on this host: marking it ended", BroadcastId);
            await SaveEndedAsync(saved);
            return InterruptedError();
        }

        if (Live is null)
        {
            await SaveEndedAsync(saved); // its time ran out while it moved: it ended as it went on
            return null;
        }

        try
        {
            await SaveRunningAsync(saved with { Epoch = continuation.Epoch });
            await RegisterTimerAsync(TimerName, nameof(TickAsync), null, _tick, _tick);
        }
        catch (Exception ex)
        {
            // Without its epoch saved and its timer it must not run here: it is given up again, untold,
            // and the next call tries once more.
            Logger.LogError(ex, "Broadcast {SessionId} could not save its state as it went on here: giving it up for now", BroadcastId);
            await (Live?.SuspendAsync() ?? Task.CompletedTask);
            _ranHere = false;
            return new BroadcastError(503, "SERVICE_UNAVAILABLE", "The broadcast's state could not be saved. Please try again.");
        }

        Logger.LogInformation("Broadcast {SessionId} went on on this host from its saved state (epoch {Epoch}, {Listeners} listeners)", BroadcastId, continuation.Epoch, continuation.Listeners.Count);
        return null;
    }

    private async Task SaveEndedIfOverAsync()
    {
        if (_state is { Status: BroadcastActorStatus.Running } running && Live is null)
        {
            await UnregisterTimerAsync(TimerName);
            await SaveEndedAsync(running);
        }
    }

    /// <summary>Kept for <see cref="HostingOptions"/>' EndedStateTtl, so its id becomes free again.</summary>
    private Task SaveEndedAsync(BroadcastActorState state) => SaveAsync(state.Ended(), _endedStateTtl);

    /// <summary>A running broadcast's state expires the ended state's TTL after the broadcast would: so the
    /// id of one whose host died and that nobody called again becomes free too.</summary>
    private async Task SaveRunningAsync(BroadcastActorState state)
    {
        if (Live is not { } live)
        {
            await SaveEndedIfOverAsync(); // it ended meanwhile
            return;
        }

        var left = live.Actor.ExpiresAt - _time.GetUtcNow();
        await SaveAsync(state, _endedStateTtl == TimeSpan.Zero ? TimeSpan.Zero : (left > TimeSpan.Zero ? left : TimeSpan.Zero) + _endedStateTtl);
    }

    /// <param name="ttl">Zero: kept for good.</param>
    private async Task SaveAsync(BroadcastActorState state, TimeSpan ttl)
    {
        await StateManager.SaveNowAsync(StateKey, state, ttl);
        _state = state;
    }

    private static BroadcastError InterruptedError() =>
        new(503, "SESSION_INTERRUPTED", "The host running this broadcast went away and it could not go on on another: the speaker must start a new one.");
}
