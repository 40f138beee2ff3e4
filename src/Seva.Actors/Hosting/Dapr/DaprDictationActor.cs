using Dapr.Actors.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Seva.Actors.Contracts;
using Seva.Actors.Dictation;
using Seva.Actors.Hosting.InProcess;

namespace Seva.Actors.Hosting.Dapr;

/// <summary>The Dapr host of a dictation session: Dapr places the actor and puts its calls in turn; the
/// session itself is the same one the in-process host runs (<see cref="InProcessDictationActors"/>), on
/// this machine's engine. What Dapr adds is kept here: the state saved to the actor state store, the
/// timer that checks the session's timeouts, and ending the session when Dapr deactivates the actor.</summary>
[Actor(TypeName = TypeName)]
public sealed class DaprDictationActor : Actor, IDictationActor
{
    public const string TypeName = "DictationActor";
    internal const string StateKey = "session";
    private const string TimerName = "check";

    private readonly InProcessDictationActors _local;
    private readonly DictationSessions _sessions;
    private readonly TimeSpan _checkInterval;
    private DictationActorState? _state;

    /// <param name="stateManager">Given by tests (Dapr's documented pattern); the runtime's otherwise.</param>
    public DaprDictationActor(ActorHost host, InProcessDictationActors local, DictationSessions sessions, IOptions<HostingOptions> hosting, IActorStateManager? stateManager = null)
        : base(host)
    {
        ArgumentNullException.ThrowIfNull(hosting);
        _local = local;
        _sessions = sessions;
        _checkInterval = hosting.Value.Dapr.CheckInterval;
        if (stateManager is not null)
        {
            StateManager = stateManager;
        }
    }

    private string SessionId => Id.GetId();

    private IDictationActor Local => _local.Get(SessionId);

    /// <summary>Saved as running, but not running here: the host that ran it went away.</summary>
    private bool Interrupted => _state is { Status: DictationActorStatus.Running } && _sessions.Find(SessionId) is null;

    public async Task<DictationStartReply> StartAsync(DictationStartRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Interrupted)
        {
            return new DictationStartReply(null, InterruptedError());
        }

        var reply = await Local.StartAsync(request);
        if (reply.Started is { } started)
        {
            try
            {
                await SaveAsync(DictationActorState.Started(SessionId, request.Start.UserId, started, request.Follower));
                await RegisterTimerAsync(TimerName, nameof(CheckTimersAsync), null, _checkInterval, _checkInterval);
            }
            catch (Exception ex)
            {
                // Without its state and timer the session could not be found again nor time out: it does not run.
                Logger.LogError(ex, "Dictation {SessionId} could not save its state: ending it", SessionId);
                if (_sessions.Find(SessionId) is { } session)
                {
                    await session.AbandonAsync();
                }

                return new DictationStartReply(null, new DictationError(DictationErrorCodes.TranscribeServiceError, "The session's state could not be saved. Please try again.", Recoverable: false, RetryAfter: 5));
            }
        }

        return reply;
    }

    public Task<DictationAudioReply> AcceptAudioAsync(DictationAudioRequest request) =>
        Interrupted
            ? Task.FromResult(new DictationAudioReply(_state!.ReceivedBytes, InterruptedError()))
            : Local.AcceptAudioAsync(request);

    public async Task<DictationEndReply> EndAsync(DictationEndRequest request)
    {
        if (Interrupted)
        {
            return new DictationEndReply(null, InterruptedError());
        }

        var reply = await Local.EndAsync(request);
        await SaveProgressAsync();
        return reply;
    }

    public async Task DetachAsync(DictationDetachRequest request)
    {
        await Local.DetachAsync(request);
        await SaveProgressAsync();
    }

    public Task<DictationProgress> GetProgressAsync() => Local.GetProgressAsync();

    /// <summary>The actor's timer: the session's own timeouts, then its state saved.</summary>
    public async Task CheckTimersAsync()
    {
        await Local.CheckTimersAsync();
        await SaveProgressAsync();
    }

    protected override async Task OnActivateAsync()
    {
        var saved = await StateManager.TryGetStateAsync<DictationActorState>(StateKey);
        _state = saved.HasValue ? saved.Value : null;
        if (Interrupted)
        {
            // Placed here after the host that ran it went away: its decoder and open audio went with it.
            Logger.LogWarning("Dictation {SessionId} was running on another host that went away; its record keeps what was saved", SessionId);
        }
    }

    /// <summary>Dapr drops the actor (idle, rebalancing, shutdown): a session still running is ended as
    /// abandoned, so what it received is kept.</summary>
    protected override async Task OnDeactivateAsync()
    {
        if (_sessions.Find(SessionId) is { IsActive: true } session)
        {
            Logger.LogInformation("Dictation {SessionId} deactivated by Dapr while running: keeping what it has", SessionId);
            await session.AbandonAsync();
        }
    }

    /// <summary>What the runtime calls as it activates and deactivates the actor (for tests, which drive
    /// the actor as the runtime does).</summary>
    internal Task ActivateAsync() => OnActivateAsync();

    internal Task DeactivateAsync() => OnDeactivateAsync();

    private async Task SaveProgressAsync()
    {
        if (_state is null)
        {
            return;
        }

        var progress = await Local.GetProgressAsync();
        var state = _state.With(progress);
        if (state.Status != DictationActorStatus.Running)
        {
            await UnregisterTimerAsync(TimerName);
        }

        await SaveAsync(state);
    }

    private async Task SaveAsync(DictationActorState state)
    {
        _state = state;
        await StateManager.SetStateAsync(StateKey, state);
        await StateManager.SaveStateAsync();
    }

    private DictationError InterruptedError() => new(
        DictationErrorCodes.TranscribeServiceError,
        $"Session {SessionId} was interrupted: the host running it went away. Its record keeps what was saved; start a new session.",
        Recoverable: false);
}
