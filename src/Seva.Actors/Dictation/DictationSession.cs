using System.Buffers;
using Microsoft.Extensions.Logging;
using Seva.Actors.Fanout;
using Seva.Actors.Hosting;
using Seva.Actors.Telemetry;

namespace Seva.Actors.Dictation;

/// <summary>A running session as either actor host holds it: the logic (<see cref="DictationActor"/>)
/// behind its turn-based mailbox, the connection holding it, and the audio queue's back-pressure.</summary>
/// <remarks>Written once for both hosts: the in-process host keeps these by session id, a Dapr actor keeps
/// its own. The rules of a session (admission, resuming, who may send audio, when it times out) live here
/// or in the logic, so neither host copies them.</remarks>
#pragma warning disable CA1001 // SemaphoreSlim needs disposing only once its wait handle is used, which it never is here.
public sealed class DictationSession
#pragma warning restore CA1001
{
    /// <summary>Audio chunks that may wait for the actor before a sender is held back (10 s of 250 ms chunks).</summary>
    private const int MaxQueuedChunks = 40;

    private readonly SemaphoreSlim _queued = new(MaxQueuedChunks, MaxQueuedChunks);
    private readonly TimeProvider _time;
    private readonly Lock _holderGate = new();
    private readonly IDisposable _slot;
    private long _receivedBytes;
    private AddressedFollower? _holder;
    private long _generation;

    private DictationSession(string sessionId, string userId, DictationDependencies deps, IDisposable slot, FollowerRelay? relay, ILogger logger)
    {
        _time = deps.Time;
        _slot = slot;
        UserId = userId;
        Relay = relay;
        Mailbox = new ActorMailbox(logger, HandleAudioAsync);
        Actor = new DictationActor(sessionId, deps, work => Mailbox.Post(work));
    }

    public string SessionId => Actor.SessionId;

    public string UserId { get; }

    public int SampleRate => Actor.SampleRate;

    /// <summary>PCM bytes of this session received so far (what a resuming client resends after).</summary>
    public long ReceivedBytes => Interlocked.Read(ref _receivedBytes);

    public Guid TranscriptionId => Actor.TranscriptionId;

    public Task<DictationCompleted> Completion => Actor.Completion;

    /// <summary>Seconds of the session's audio decoded so far.</summary>
    public double SecondsDecoded => Actor.SecondsDecoded;

    public bool IsActive => Actor.IsActive;

    /// <summary>Set for sessions a connection holds and may resume.</summary>
    internal FollowerRelay? Relay { get; }

    internal DictationActor Actor { get; }

    internal ActorMailbox Mailbox { get; }

    /// <summary>Admits and starts a session followed by <paramref name="follower"/>; a resumable one is
    /// held by it (and its events kept while no connection holds it). Throws <see cref="DictationException"/>
    /// (limit, bad fields, engine or database failure); nothing is left behind then.</summary>
    public static Task<(DictationSession Session, DictationStarted Started)> StartAsync(
        string sessionId, DictationStart start, AddressedFollower follower, bool resumable, DictationAdmission admission, DictationDependencies deps, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        return OpenAsync(sessionId, start, follower, resumable, admission, deps, logger, "dictation.start", actor => actor.StartAsync(start, cancellationToken));
    }

    /// <summary>Admits a session that ran on another actor host and goes on with it here, held by
    /// <paramref name="follower"/> (see <see cref="DictationActor.ContinueAsync"/>).</summary>
    public static Task<(DictationSession Session, DictationStarted Started)> ContinueAsync(
        string sessionId, DictationContinuation continuation, AddressedFollower follower, DictationAdmission admission, DictationDependencies deps, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return OpenAsync(
            sessionId, continuation.Start, follower, continuation.Resumable, admission, deps, logger, "dictation.continue",
            actor => actor.ContinueAsync(continuation.Start, continuation.TranscriptionId, continuation.ReceivedBytes, cancellationToken));
    }

    private static async Task<(DictationSession Session, DictationStarted Started)> OpenAsync(
        string sessionId, DictationStart start, AddressedFollower follower, bool resumable, DictationAdmission admission, DictationDependencies deps, ILogger logger, string activityName, Func<DictationActor, Task<DictationStarted>> open)
    {
        var slot = admission.Admit();
        using var scope = SessionLogScope.Begin(logger, sessionId); // the session's mailbox loop inherits it
        using var activity = SevaTelemetry.ActivitySource.StartActivity(activityName);
        activity?.SetTag("seva.session_id", sessionId);
        activity?.SetTag("seva.quality", start.Quality);
        var relay = resumable ? new FollowerRelay() : null;
        var session = new DictationSession(sessionId, start.UserId, deps, slot, relay, logger);
        var subscription = session.Actor.Follow(relay ?? (IDictationFollower)follower);
        try
        {
            var started = await session.Mailbox.CallAsync(() => open(session.Actor));
            session._receivedBytes = started.ReceivedBytes; // 0, or where a session that moved here goes on
            if (relay is not null)
            {
                session.Claim(follower);
            }

            return (session, started);
        }
        catch (Exception ex)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.Message);
            subscription.Dispose();
            slot.Dispose();
            await session.Mailbox.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits for the session to end, whatever ends it, then frees its slot and mailbox.</summary>
    public async Task RunToEndAsync(ILogger logger)
    {
        try
        {
            await Actor.Completion;
        }
        catch (DictationMovedException)
        {
            // it goes on on another host
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Session {SessionId} ended with an error", SessionId);
        }
        finally
        {
            _slot.Dispose();
            Mailbox.Close();
        }
    }

    /// <summary>A new connection (<paramref name="follower"/>) takes over this session after the last one
    /// dropped; the previous holder, if still there, is told it is superseded.</summary>
    public DictationStarted Resume(DictationStart start, AddressedFollower follower)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (Relay is null || UserId != start.UserId)
        {
            throw new DictationException(DictationError.InvalidState($"Session {SessionId} is already active."));
        }

        if (!Actor.IsActive)
        {
            throw new DictationException(DictationError.InvalidState($"Session {SessionId} is finishing: it can no longer be resumed."));
        }

        if (!DictationQuality.TryGetSampleRate(start.Quality, out var rate) || rate != SampleRate)
        {
            throw new DictationException(DictationError.InvalidField("quality", $"'{start.Quality}' differs from the session being resumed ({SampleRate} Hz): resume with the same quality"));
        }

        var received = Claim(follower);
        return new DictationStarted(SessionId, TranscriptionId.ToString(), TranscriptionId, SampleRate, Resumed: true, ReceivedBytes: received);
    }

    /// <summary>Takes a chunk and waits until the session has processed it (errors are thrown).</summary>
    public Task AcceptAudioAsync(ReadOnlyMemory<byte> pcm, CancellationToken cancellationToken) =>
        Call(async () =>
        {
            await Actor.AcceptAudioAsync(pcm, _time.GetTimestamp(), cancellationToken);
            Interlocked.Add(ref _receivedBytes, pcm.Length);
        });

    /// <summary>Queues a chunk for the session and returns at once, so a socket or circuit reader is not
    /// held up by the session's work; errors reach the followers. It waits only if the session is far
    /// behind (<see cref="MaxQueuedChunks"/>), so memory stays bounded.</summary>
    /// <remarks>In a resumable session the audio is taken only from the connection holding it: once another
    /// connection resumed it, a late frame of the old one would be a duplicate.</remarks>
    public async ValueTask PostAudioAsync(ReadOnlyMemory<byte> pcm, long arrivalTimestamp, string connectionId, CancellationToken cancellationToken)
    {
        await _queued.WaitAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(pcm.Length);
        pcm.CopyTo(buffer);
        string? refused = null;
        lock (_holderGate)
        {
            if (Relay is not null && _holder?.Address.ConnectionId != connectionId)
            {
                refused = "This session was resumed on another connection: audio sent here is not used.";
            }
            else if (Mailbox.PostAudio(new AudioMessage(buffer, pcm.Length, arrivalTimestamp)))
            {
                // Counted with the post, under the lock, so a resuming client is told exactly what is queued.
                _receivedBytes += pcm.Length;
                return;
            }
            else
            {
                refused = "Audio after session_end: the session has ended.";
            }
        }

        ArrayPool<byte>.Shared.Return(buffer);
        _queued.Release();
        throw new DictationException(DictationError.InvalidState(refused));
    }

    /// <summary>Makes <paramref name="connection"/> the session's holder and passes it the events it
    /// missed; the previous holder, if any, is superseded. Returns the bytes received so far.</summary>
    private long Claim(AddressedFollower connection)
    {
        AddressedFollower? superseded;
        long received;
        lock (_holderGate)
        {
            superseded = _holder;
            if (superseded is not null)
            {
                Relay!.Detach(superseded);
            }

            _holder = connection;
            _generation++;
            received = Interlocked.Read(ref _receivedBytes);
            Relay!.Attach(connection);
        }

        superseded?.OnSuperseded();
        return received;
    }

    /// <summary>The holder is gone; false if <paramref name="connectionId"/> no longer held the session.</summary>
    public bool Release(string connectionId, out long generation)
    {
        lock (_holderGate)
        {
            generation = _generation;
            if (_holder?.Address.ConnectionId != connectionId)
            {
                return false;
            }

            Relay?.Detach(_holder);
            _holder = null;
            generation = ++_generation;
            return true;
        }
    }

    /// <summary>True while no connection took the session since <see cref="Release"/> gave <paramref name="generation"/>.</summary>
    public bool IsUnheldSince(long generation)
    {
        lock (_holderGate)
        {
            return _holder is null && _generation == generation;
        }
    }

    /// <summary>Ends the session if it had no audio for <paramref name="idleTimeout"/> (the resume window
    /// has its own timer in the host that holds the session, <see cref="DictationSessions.Detach"/>).</summary>
    public Task CheckTimersAsync(TimeSpan idleTimeout)
    {
        if (!Actor.IsActive || Actor.IdleFor < idleTimeout)
        {
            return Task.CompletedTask;
        }

        return Call(async () =>
        {
            if (Actor.IsActive && Actor.IdleFor >= idleTimeout)
            {
                await Actor.TimeOutAsync(CancellationToken.None);
            }
        });
    }

    private async ValueTask HandleAudioAsync(AudioMessage audio)
    {
        try
        {
            await Actor.AcceptAudioAsync(audio.Buffer.AsMemory(0, audio.Length), audio.ArrivalTimestamp, CancellationToken.None);
        }
        catch (DictationException ex)
        {
            if (ex.Error.Code == DictationErrorCodes.InvalidSessionState)
            {
                // Not taken (the session ended or moved off this host while the chunk waited): a resuming
                // client must be told to send it again, not that it was received.
                Interlocked.Add(ref _receivedBytes, -audio.Length);
            }

            Actor.Report(ex.Error);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(audio.Buffer);
            _queued.Release();
        }
    }

    public Task<DictationCompleted> EndAsync(CancellationToken cancellationToken) =>
        Call(() => Actor.EndAsync(cancellationToken));

    /// <summary>The client is gone: keep what was received and close the record.</summary>
    public Task<DictationCompleted> AbandonAsync() =>
        Call(() => Actor.AbandonAsync(CancellationToken.None));

    /// <summary>Moves the session off this host after the audio already queued (see
    /// <see cref="DictationActor.SuspendAsync"/>).</summary>
    public async Task<bool> SuspendAsync()
    {
        try
        {
            return await Mailbox.CallAsync(() => Actor.SuspendAsync(CancellationToken.None));
        }
        catch (ObjectDisposedException)
        {
            return false; // it ended on its own meanwhile
        }
    }

    /// <summary>Ends the session as its host goes away (as when its client leaves: text and audio kept).</summary>
    public async Task ShutDownAsync()
    {
        try
        {
            await Mailbox.CallAsync(() => Actor.DisposeAsync().AsTask());
        }
        catch (ObjectDisposedException)
        {
            // it ended on its own meanwhile
        }
    }

    private async Task Call(Func<Task> call)
    {
        try
        {
            await Mailbox.CallAsync(call);
        }
        catch (ObjectDisposedException)
        {
            throw new DictationException(DictationError.InvalidState("The session has ended."));
        }
    }

    private async Task<DictationCompleted> Call(Func<Task<DictationCompleted>> call)
    {
        try
        {
            return await Mailbox.CallAsync(call);
        }
        catch (ObjectDisposedException) when (Actor.Completion.IsCompleted)
        {
            return await Actor.Completion; // it ended meanwhile (timeout, overflow): that is the answer
        }
    }
}

/// <summary>What a host needs to go on with a session that ran on another: how it was started (for a
/// fresh stream with the same language, vocabulary and formatting), its record, and the audio it had
/// taken as last saved.</summary>
public sealed record DictationContinuation(DictationStart Start, Guid TranscriptionId, long ReceivedBytes, bool Resumable);
