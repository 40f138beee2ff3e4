using Dapr.Actors.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Seva.Actors.Broadcast;
using Seva.Actors.Contracts;
using Seva.Actors.Hosting.InProcess;

namespace Seva.Actors.Hosting.Dapr;

/// <summary>The Dapr host of a broadcast: Dapr places it and puts its calls in turn; the broadcast itself
/// is the one the in-process host runs (<see cref="InProcessBroadcastActors"/>), on this machine's engine,
/// translator and voice. Added here: its state in the actor state store (which also makes an id taken for
/// good), the timer for status and expiry, and ending it when Dapr deactivates the actor.</summary>
[Actor(TypeName = TypeName)]
public sealed class DaprBroadcastActor : Actor, IBroadcastActor
{
    public const string TypeName = "BroadcastActor";
    internal const string StateKey = "broadcast";
    private const string TimerName = "tick";

    private readonly InProcessBroadcastActors _local;
    private readonly BroadcastSessions _sessions;
    private readonly TimeSpan _tick;
    private BroadcastActorState? _state;

    /// <param name="stateManager">Given by tests (Dapr's documented pattern); the runtime's otherwise.</param>
    public DaprBroadcastActor(ActorHost host, InProcessBroadcastActors local, BroadcastSessions sessions, IOptions<BroadcastOptions> options, IActorStateManager? stateManager = null)
        : base(host)
    {
        ArgumentNullException.ThrowIfNull(options);
        _local = local;
        _sessions = sessions;
        _tick = TimeSpan.FromTicks(Math.Clamp(options.Value.StatusPeriod.Ticks / 6, TimeSpan.FromMilliseconds(200).Ticks, TimeSpan.FromSeconds(5).Ticks));
        if (stateManager is not null)
        {
            StateManager = stateManager;
        }
    }

    private string BroadcastId => Id.GetId();

    private IBroadcastActor Local => _local.Get(BroadcastId);

    /// <summary>Saved as running, but not running here: the host that ran it went away.</summary>
    private bool Interrupted => _state is { Status: BroadcastActorStatus.Running } && _sessions.Find(BroadcastId) is null;

    public async Task<BroadcastStartReply> StartAsync(BroadcastStartRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_state is not null)
        {
            // An id once used stays taken, so a listener's old link never reaches someone else's broadcast.
            return new BroadcastStartReply(null, new BroadcastError(409, BroadcastLauncher.IdTaken, $"Broadcast id {BroadcastId} is taken."));
        }

        var reply = await Local.StartAsync(request);
        if (reply.Started is not null)
        {
            try
            {
                await SaveAsync(new BroadcastActorState(BroadcastId, BroadcastActorStatus.Running, request.Speaker, request.SourceLanguage, request.QualityTier, []));
                await RegisterTimerAsync(TimerName, nameof(TickAsync), null, _tick, _tick);
            }
            catch (Exception ex)
            {
                // Without its state and timer it could not be found again nor expire: it does not go live.
                Logger.LogError(ex, "Broadcast {SessionId} could not save its state: ending it", BroadcastId);
                await Local.EndAsync(new BroadcastEndRequest("hostShutdown"));
                return new BroadcastStartReply(null, new BroadcastError(503, "SERVICE_UNAVAILABLE", "The broadcast's state could not be saved. Please try again."));
            }
        }

        return reply;
    }

    public Task<BroadcastReply> AcceptAudioAsync(BroadcastAudioRequest request) =>
        Interrupted ? Task.FromResult(new BroadcastReply(InterruptedError())) : Local.AcceptAudioAsync(request);

    public Task<BroadcastControlReply> ControlAsync(BroadcastControlRequest request) =>
        Interrupted ? Task.FromResult(new BroadcastControlReply(null, InterruptedError())) : Local.ControlAsync(request);

    public async Task<BroadcastJoinReply> JoinAsync(BroadcastJoinRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Interrupted)
        {
            return new BroadcastJoinReply([], null, InterruptedError());
        }

        var reply = await Local.JoinAsync(request);
        if (reply.State is not null && _state is not null)
        {
            await SaveAsync(_state with { Listeners = [.. _state.Listeners.Where(l => l.Address.ConnectionId != request.Listener.ConnectionId), new BroadcastListener(request.Listener, request.Language, request.AudioOn)] });
        }

        return reply;
    }

    public async Task<BroadcastReply> ChangeListenerAsync(BroadcastListenerChange request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reply = await Local.ChangeListenerAsync(request);
        if (reply.Error is null && _state is not null)
        {
            await SaveAsync(_state with
            {
                Listeners = [.. _state.Listeners.Select(l => l.Address.ConnectionId != request.ConnectionId ? l : l with { Language = request.Language ?? l.Language, AudioOn = request.AudioOn ?? l.AudioOn })],
            });
        }

        return reply;
    }

    public async Task LeaveAsync(BroadcastLeaveRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        await Local.LeaveAsync(request);
        if (_state is not null)
        {
            await SaveAsync(_state with { Listeners = [.. _state.Listeners.Where(l => l.Address.ConnectionId != request.ConnectionId)] });
        }
    }

    public Task<BroadcastSnapshot> GetSnapshotAsync(BroadcastSnapshotRequest request) => Local.GetSnapshotAsync(request);

    public async Task EndAsync(BroadcastEndRequest request)
    {
        await Local.EndAsync(request);
        await SaveEndedIfOverAsync();
    }

    /// <summary>The actor's timer: periodic status and expiry.</summary>
    public async Task TickAsync()
    {
        await Local.TickAsync();
        await SaveEndedIfOverAsync();
    }

    protected override async Task OnActivateAsync()
    {
        var saved = await StateManager.TryGetStateAsync<BroadcastActorState>(StateKey);
        _state = saved.HasValue ? saved.Value : null;
        if (Interrupted)
        {
            Logger.LogWarning("Broadcast {SessionId} was live on a host that went away: it cannot go on here", BroadcastId);
        }
    }

    /// <summary>Dapr drops the actor (idle, rebalancing, shutdown): a broadcast still live ends for
    /// everyone, who are told so, rather than going silent.</summary>
    protected override async Task OnDeactivateAsync()
    {
        if (_sessions.Find(BroadcastId) is not null)
        {
            Logger.LogInformation("Broadcast {SessionId} deactivated by Dapr while live: ending it", BroadcastId);
            await Local.EndAsync(new BroadcastEndRequest("hostShutdown"));
        }
    }

    internal Task ActivateAsync() => OnActivateAsync();

    internal Task DeactivateAsync() => OnDeactivateAsync();

    private async Task SaveEndedIfOverAsync()
    {
        if (_state is { Status: BroadcastActorStatus.Running } && _sessions.Find(BroadcastId) is null)
        {
            await UnregisterTimerAsync(TimerName);
            await SaveAsync(_state with { Status = BroadcastActorStatus.Ended, Listeners = [] });
        }
    }

    private async Task SaveAsync(BroadcastActorState state)
    {
        _state = state;
        await StateManager.SetStateAsync(StateKey, state);
        await StateManager.SaveStateAsync();
    }

    private static BroadcastError InterruptedError() =>
        new(503, "SESSION_INTERRUPTED", "The host running this broadcast went away: the speaker must start a new one.");
}

/// <summary>Written by name, so the state store reads plainly.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<BroadcastActorStatus>))]
public enum BroadcastActorStatus
{
    Running,
    Ended,
}

/// <summary>A listener as the state store keeps it: where its connection is, its language, its audio.</summary>
public sealed record BroadcastListener(FollowerAddress Address, string Language, bool AudioOn);

/// <summary>What the actor state store keeps of a broadcast.</summary>
public sealed record BroadcastActorState(
    string BroadcastId,
    BroadcastActorStatus Status,
    FollowerAddress Speaker,
    string SourceLanguage,
    string QualityTier,
    IReadOnlyList<BroadcastListener> Listeners);
