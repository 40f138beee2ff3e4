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
/// timer that checks the session's timeouts, and moving the session when Dapr places the actor elsewhere:
/// deactivation moves it off this host, and the first call on the next host goes on with it there.</summary>
[Actor(TypeName = TypeName)]
public sealed class DaprDictationActor : Actor, IDictationActor
{
    public const string TypeName = "DictationActor";
    internal const string StateKey = "session";
    private const string TimerName = "check";

    private readonly InProcessDictationActors _local;
    private readonly DictationSessions _sessions;
    private readonly TimeSpan _checkInterval;
    private readonly TimeSpan _endedStateTtl;
    private readonly TimeSpan _runningStateTtl;
    private DictationActorState? _state;

    /// <param name="stateManager">Given by tests (Dapr's documented pattern); the runtime's otherwise.</param>
    public DaprDictationActor(ActorHost host, InProcessDictationActors local, DictationSessions sessions, IOptions<HostingOptions> hosting, IOptions<DictationOptions> dictation, IActorStateManager? stateManager = null)
        : base(host)
    {
        ArgumentNullException.ThrowIfNull(hosting);
        ArgumentNullException.ThrowIfNull(dictation);
        _local = local;
        _sessions = sessions;
        _checkInterval = hosting.Value.Dapr.CheckInterval;

        // An ended session's state answers late calls for a while, then goes, as a broadcast's does. A
        // running one cannot outlast its longest recording and idle time: past that (its host died and
        // nobody called again) it goes too.
        _endedStateTtl = hosting.Value.Dapr.EndedStateTtl;
        _runningStateTtl = _endedStateTtl == TimeSpan.Zero ? TimeSpan.Zero : _endedStateTtl + dictation.Value.MaxRecording + dictation.Value.IdleTimeout;
        if (stateManager is not null)
        {
            StateManager = stateManager;
        }
    }

    private string SessionId => Id.GetId();

    private IDictationActor Local => _local.Get(SessionId);

    /// <summary>Saved as running, but not running here: it ran on another host (Dapr moved the actor, or
    /// that host went away).</summary>
    private bool Moved => _state is { Status: DictationActorStatus.Running } && _sessions.Find(SessionId) is null && _sessions.FindEnded(SessionId) is null;

    public async Task<DictationStartReply> StartAsync(DictationStartRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await GoOnIfMovedAsync() is { } failed)
        {
            return new DictationStartReply(null, failed);
        }

        var reply = await Local.StartAsync(request);
        if (reply.Started is { } started)
        {
            try
            {
                // A resume keeps how the session was started and the epoch its events are numbered in.
                await SaveAsync(started.Resumed && _state is { } running
                    ? running with { Follower = request.Follower, ReceivedBytes = started.ReceivedBytes }
                    : DictationActorState.Started(SessionId, request, started));
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

    public async Task<DictationAudioReply> AcceptAudioAsync(DictationAudioRequest request) =>
        await GoOnIfMovedAsync() is { } failed
            ? new DictationAudioReply(_state!.ReceivedBytes, failed)
            : await Local.AcceptAudioAsync(request);

    public async Task<DictationEndReply> EndAsync(DictationEndRequest request)
    {
        if (await GoOnIfMovedAsync() is { } failed)
        {
            return new DictationEndReply(null, failed);
        }

        var reply = await Local.EndAsync(request);
        await SaveProgressAsync();
        return reply;
    }

    public async Task DetachAsync(DictationDetachRequest request)
    {
        if (await GoOnIfMovedAsync() is not null)
        {
            return;
        }

        await Local.DetachAsync(request);
        await SaveProgressAsync();
    }

    /// <remarks>An upload asks for progress between chunks, so this too goes on with a session that moved.</remarks>
    public async Task<DictationProgress> GetProgressAsync() =>
        await GoOnIfMovedAsync() is null
            ? await Local.GetProgressAsync()
            : new DictationProgress(false, _state!.SecondsDecoded, _state.ReceivedBytes, _state.Completed);

    /// <summary>The actor's timer: the session's own timeouts, then its state saved.</summary>
    public async Task CheckTimersAsync()
    {
        if (Moved)
        {
            return; // a timer left from before the move: the next call from a client goes on with the session
        }

        await Local.CheckTimersAsync();
        await SaveProgressAsync();
    }

    protected override async Task OnActivateAsync()
    {
        var saved = await StateManager.TryGetStateAsync<DictationActorState>(StateKey);
        _state = saved.HasValue ? saved.Value : null;
        if (Moved)
        {
            Logger.LogInformation("Dictation {SessionId} ran on another host: it goes on here at its next call", SessionId);
        }
    }

    /// <summary>Dapr drops the actor (rebalancing, draining, idle): a session still running moves off
    /// this host, keeping everything it received, and goes on wherever Dapr places its next call.</summary>
    /// <remarks>Nothing is saved to the state store here: daprd has taken the actor out of its table
    /// before it calls this, and refuses its state writes. The record has what the next host needs.</remarks>
    protected override async Task OnDeactivateAsync()
    {
        if (await _sessions.SuspendAsync(SessionId))
        {
            Logger.LogInformation("Dictation {SessionId} deactivated by Dapr while running: moved off this host", SessionId);
        }
    }

    /// <summary>If the session ran on another host, it goes on here first (a fresh stream from where its
    /// record ends, events in the next epoch); returns the error when it cannot, and it is then over.</summary>
    private async Task<DictationError?> GoOnIfMovedAsync()
    {
        if (!Moved)
        {
            return null;
        }

        var state = _state!;
        if (state.Start is not { } start)
        {
            // Saved by a version that did not keep how the session started: it cannot be reopened as it was.
            await SaveAsync(state with { Status = DictationActorStatus.Ended });
            return InterruptedError();
        }

        // The epoch is taken before the session goes on, so no two hosts ever number events in the same one.
        var epoch = state.Epoch + 1;
        await SaveAsync(state with { Epoch = epoch });
        var reply = await _local.ContinueAsync(SessionId, new DictationContinuation(start, state.TranscriptionId, state.ReceivedBytes, state.Resumable), state.Follower, epoch);
        if (reply.Started is not { } started)
        {
            Logger.LogWarning("Dictation {SessionId} could not go on on this host: {Error}", SessionId, reply.Error?.Message);
            if (reply.Error is not { RetryAfter: > 0 })
            {
                // Its record is closed: there is nothing to go on with. (A refusal with a retry time, such as
                // the previous host still holding the record, is tried again at the next call.)
                await SaveAsync(_state! with { Status = DictationActorStatus.Ended });
            }

            return reply.Error ?? InterruptedError();
        }

        await SaveAsync(_state! with { ReceivedBytes = started.ReceivedBytes });
        await RegisterTimerAsync(TimerName, nameof(CheckTimersAsync), null, _checkInterval, _checkInterval);
        return null;
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
        await StateManager.SaveNowAsync(StateKey, state, state.Status == DictationActorStatus.Running ? _runningStateTtl : _endedStateTtl);
        _state = state;
    }

    private DictationError InterruptedError() => new(
        DictationErrorCodes.TranscribeServiceError,
        $"Session {SessionId} was interrupted: the host running it went away and it cannot go on. Its record keeps what was saved; start a new session.",
        Recoverable: false);
}
