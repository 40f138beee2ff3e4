using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Seva.Actors.Hosting;
using Seva.Actors.Speech;
using Seva.Actors.Storage;
using Seva.Actors.Telemetry;

namespace Seva.Actors.Dictation;

/// <summary>The in-process actor host for dictation: one <see cref="DictationActor"/> per session, each
/// behind its own mailbox; enforces the concurrent-session limit (the engine's circuit breaker is asked
/// by each new session as it opens its stream).</summary>
public sealed class DictationSessions(
    ISpeechEngine engine,
    EngineCircuitBreaker breaker,
    TranscriptionStore records,
    IAudioStore audio,
    IOptions<DictationOptions> options,
    TimeProvider time,
    ILoggerFactory loggers,
    SpeechMetrics metrics) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, DictationSession> _active = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggers.CreateLogger<DictationSessions>();
    /// <summary>How long disposing waits for sessions when no shutdown ended them first.</summary>
    private static readonly TimeSpan DisposeWait = TimeSpan.FromSeconds(10);

    private int _reserved;
    private volatile bool _endedAll;

    public int ActiveCount => _active.Count;

    /// <summary>Starts a session followed by <paramref name="follower"/>. Throws
    /// <see cref="DictationException"/> (limit, bad fields, engine or database failure).</summary>
    public Task<(DictationSession Session, DictationStarted Started)> StartAsync(DictationStart start, IDictationFollower follower, CancellationToken cancellationToken) =>
        StartAsync(start, follower, relay: null, cancellationToken);

    /// <summary>For a connection that may drop: resumes the user's session <see cref="DictationStart.SessionId"/>
    /// if it is still open (the previous connection is dropped with <paramref name="onSuperseded"/>),
    /// otherwise starts one. The connection holds the session until <see cref="Detach"/>; it gets the
    /// session's events once it calls <see cref="DictationSession.Attach"/> (after its acknowledgement).</summary>
    public async Task<(DictationSession Session, DictationStarted Started)> StartOrResumeAsync(DictationStart start, IDictationFollower connection, Action onSuperseded, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (!string.IsNullOrWhiteSpace(start.SessionId) && _active.TryGetValue(start.SessionId, out var existing))
        {
            if (existing.Relay is null || existing.UserId != start.UserId)
            {
                throw new DictationException(DictationError.InvalidState($"Session {start.SessionId} is already active."));
            }

            if (!existing.Actor.IsActive)
            {
                throw new DictationException(DictationError.InvalidState($"Session {start.SessionId} is finishing: it can no longer be resumed."));
            }

            if (!DictationQuality.TryGetSampleRate(start.Quality, out var rate) || rate != existing.SampleRate)
            {
                throw new DictationException(DictationError.InvalidField("quality", $"'{start.Quality}' differs from the session being resumed ({existing.SampleRate} Hz): resume with the same quality"));
            }

            var received = existing.Claim(connection, onSuperseded);
            _logger.LogInformation("Dictation {SessionId} resumed by a new connection at {Bytes} bytes", existing.SessionId, received);
            return (existing, new DictationStarted(existing.SessionId, existing.TranscriptionId.ToString(), existing.TranscriptionId, existing.SampleRate, Resumed: true, ReceivedBytes: received));
        }

        var relay = new FollowerRelay();
        var (session, started) = await StartAsync(start, relay, relay, cancellationToken);
        session.Claim(connection, onSuperseded);
        return (session, started);
    }

    /// <summary>The connection holding <paramref name="session"/> went away without ending it: the session
    /// waits <see cref="DictationOptions.ResumeWindow"/> for a new connection, then is finalised as abandoned.</summary>
    public void Detach(DictationSession session, IDictationFollower connection)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!session.Release(connection, out var generation))
        {
            return; // another connection took it over
        }

        _ = AbandonUnlessResumedAsync(session, generation);
    }

    private async Task AbandonUnlessResumedAsync(DictationSession session, long generation)
    {
        try
        {
            var window = options.Value.ResumeWindow;
            if (window > TimeSpan.Zero)
            {
                await Task.WhenAny(Task.Delay(window, time), session.Completion);
            }

            if (session.IsUnheldSince(generation) && !session.Completion.IsCompleted)
            {
                _logger.LogInformation("Dictation {SessionId} was not resumed within {Window}: finalising what it has", session.SessionId, window);
                await session.AbandonAsync();
            }
        }
        catch (DictationException)
        {
            // it finished on its own meanwhile
        }
    }

    private async Task<(DictationSession Session, DictationStarted Started)> StartAsync(DictationStart start, IDictationFollower follower, FollowerRelay? relay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        var limit = options.Value.MaxConcurrentSessions;
        if (Interlocked.Increment(ref _reserved) > limit)
        {
            Interlocked.Decrement(ref _reserved);
            _logger.LogWarning("Refused a dictation session: {Limit} sessions are active", limit);
            throw new DictationException(DictationError.SessionLimit(options.Value.RetryAfterSeconds));
        }

        // Overload: when decoding already lags, one more stream would make every session lag. Refuse it.
        var delay = metrics.RecentDelay;
        if (delay > options.Value.OverloadQueueDelay)
        {
            Interlocked.Decrement(ref _reserved);
            _logger.LogWarning("Refused a dictation session: decoding lags by {Delay} ms", delay.TotalMilliseconds);
            throw new DictationException(DictationError.SessionLimit(options.Value.RetryAfterSeconds));
        }

        var sessionId = string.IsNullOrWhiteSpace(start.SessionId) ? Guid.NewGuid().ToString() : start.SessionId;
        using var scope = SessionLogScope.Begin(_logger, sessionId); // the session's mailbox loop inherits it
        using var activity = SevaTelemetry.ActivitySource.StartActivity("dictation.start");
        activity?.SetTag("seva.session_id", sessionId);
        activity?.SetTag("seva.quality", start.Quality);
        var deps = new DictationDependencies(engine, breaker, records, audio, options.Value, time, loggers.CreateLogger<DictationActor>());
        var session = new DictationSession(sessionId, start.UserId, deps, _logger, time) { Relay = relay };
        var actor = session.Actor;
        var mailbox = session.Mailbox;
        if (!_active.TryAdd(sessionId, session))
        {
            Interlocked.Decrement(ref _reserved);
            await mailbox.DisposeAsync();
            throw new DictationException(DictationError.InvalidState($"Session {sessionId} is already active."));
        }

        var subscription = actor.Follow(follower);
        try
        {
            var started = await mailbox.CallAsync(() => actor.StartAsync(start, cancellationToken));
            SevaTelemetry.ActiveDictations.Add(1);
            _ = RemoveWhenFinishedAsync(session);
            return (session, started);
        }
        catch (Exception ex)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.Message);
            subscription.Dispose();
            _active.TryRemove(sessionId, out _);
            Interlocked.Decrement(ref _reserved);
            await mailbox.DisposeAsync();
            throw;
        }
    }

    /// <summary>Finalises sessions that had no audio for the idle timeout.</summary>
    public void TimeOutIdleSessions()
    {
        var timeout = options.Value.IdleTimeout;
        foreach (var session in _active.Values)
        {
            if (session.Actor.IsActive && session.Actor.IdleFor >= timeout)
            {
                session.Mailbox.Post(async () =>
                {
                    if (session.Actor.IsActive && session.Actor.IdleFor >= timeout)
                    {
                        await session.Actor.TimeOutAsync(CancellationToken.None);
                    }
                });
            }
        }
    }

    /// <summary>Ends every open session (as when its client leaves: text and audio kept, record FAILED),
    /// all at once, waiting at most <paramref name="timeout"/>. A session still busy after it keeps what
    /// was saved so far; the next start marks its record FAILED.</summary>
    public async Task EndAllAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _endedAll = true;
        var open = _active.Values.ToList();
        var ending = open.Select(EndAsync).ToList();
        try
        {
            await Task.WhenAll(ending).WaitAsync(timeout, time, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            _logger.LogWarning("{Count} of {Open} sessions did not end in time; their records keep what was saved", ending.Count(t => !t.IsCompleted), open.Count);
        }

        static async Task EndAsync(DictationSession session)
        {
            try
            {
                await session.Mailbox.CallAsync(() => session.Actor.DisposeAsync().AsTask());
            }
            catch (ObjectDisposedException)
            {
                // it ended on its own meanwhile
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The host's shutdown already ended the sessions within Seva:ShutdownTimeout; without that host
        // (tests), sessions are ended here, with a bound all the same.
        if (!_endedAll)
        {
            await EndAllAsync(DisposeWait, CancellationToken.None);
        }
    }

    private async Task RemoveWhenFinishedAsync(DictationSession session)
    {
        try
        {
            await session.Actor.Completion;
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Session {SessionId} ended with an error", session.SessionId);
        }
        finally
        {
            // Whatever ended it, the slot is freed.
            SevaTelemetry.ActiveDictations.Add(-1);
            _active.TryRemove(session.SessionId, out _);
            Interlocked.Decrement(ref _reserved);
            session.Mailbox.Close();
        }
    }
}

/// <summary>A running session as its client sees it: every call is a turn of the session's actor.</summary>
#pragma warning disable CA1001 // SemaphoreSlim needs disposing only once its wait handle is used, which it never is here.
public sealed class DictationSession
#pragma warning restore CA1001
{
    /// <summary>Audio chunks that may wait for the actor before a sender is held back (10 s of 250 ms chunks).</summary>
    private const int MaxQueuedChunks = 40;

    private readonly SemaphoreSlim _queued = new(MaxQueuedChunks, MaxQueuedChunks);
    private readonly TimeProvider _time;
    private readonly Lock _holderGate = new();
    private long _receivedBytes;
    private IDictationFollower? _holder;
    private Action? _onSuperseded;
    private long _generation;

    internal DictationSession(string sessionId, string userId, DictationDependencies deps, ILogger logger, TimeProvider time)
    {
        _time = time;
        UserId = userId;
        Mailbox = new ActorMailbox(logger, HandleAudioAsync);
        Actor = new DictationActor(sessionId, deps, work => Mailbox.Post(work));
    }

    public string SessionId => Actor.SessionId;

    public string UserId { get; }

    public int SampleRate => Actor.SampleRate;

    /// <summary>PCM bytes of this session received so far (what a resuming client resends after).</summary>
    public long ReceivedBytes => Interlocked.Read(ref _receivedBytes);

    /// <summary>Set for sessions a connection holds and may resume.</summary>
    internal FollowerRelay? Relay { get; init; }

    public Guid TranscriptionId => Actor.TranscriptionId;

    public Task<DictationCompleted> Completion => Actor.Completion;

    /// <summary>Seconds of the session's audio decoded so far.</summary>
    public double SecondsDecoded => Actor.SecondsDecoded;

    internal DictationActor Actor { get; }

    internal ActorMailbox Mailbox { get; }

    /// <summary>Takes a chunk and waits until the session has processed it (errors are thrown).</summary>
    public Task AcceptAudioAsync(ReadOnlyMemory<byte> pcm, CancellationToken cancellationToken) =>
        Call(() => Actor.AcceptAudioAsync(pcm, _time.GetTimestamp(), cancellationToken));

    /// <summary>Queues a chunk for the session and returns at once, so a socket or circuit reader is not
    /// held up by the session's work; errors reach the followers. It waits only if the session is far
    /// behind (<see cref="MaxQueuedChunks"/>), so memory stays bounded.</summary>
    /// <remarks>With <paramref name="holder"/>, the audio is taken only while that connection holds the
    /// session: once another connection resumed it, a late frame of the old one would be a duplicate.</remarks>
    public async ValueTask PostAudioAsync(ReadOnlyMemory<byte> pcm, long arrivalTimestamp, CancellationToken cancellationToken, IDictationFollower? holder = null)
    {
        await _queued.WaitAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(pcm.Length);
        pcm.CopyTo(buffer);
        string? refused = null;
        lock (_holderGate)
        {
            if (holder is not null && !ReferenceEquals(holder, _holder))
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

    /// <summary>Passes the session's events to <paramref name="connection"/>, starting with those it missed.</summary>
    public void Attach(IDictationFollower connection) => Relay?.Attach(connection);

    /// <summary>Makes <paramref name="connection"/> the session's holder; the previous one, if any, is
    /// superseded. Returns the bytes received so far.</summary>
    internal long Claim(IDictationFollower connection, Action onSuperseded)
    {
        Action? superseded;
        long received;
        lock (_holderGate)
        {
            if (_holder is not null)
            {
                Relay?.Detach(_holder);
            }

            superseded = _holder is null ? null : _onSuperseded;
            _holder = connection;
            _onSuperseded = onSuperseded;
            _generation++;
            received = Interlocked.Read(ref _receivedBytes);
        }

        superseded?.Invoke();
        return received;
    }

    /// <summary>The holder is gone; false if <paramref name="connection"/> no longer held the session.</summary>
    internal bool Release(IDictationFollower connection, out long generation)
    {
        lock (_holderGate)
        {
            generation = _generation;
            if (!ReferenceEquals(_holder, connection))
            {
                return false;
            }

            Relay?.Detach(connection);
            _holder = null;
            _onSuperseded = null;
            generation = ++_generation;
            return true;
        }
    }

    internal bool IsUnheldSince(long generation)
    {
        lock (_holderGate)
        {
            return _holder is null && _generation == generation;
        }
    }

    private async ValueTask HandleAudioAsync(AudioMessage audio)
    {
        try
        {
            await Actor.AcceptAudioAsync(audio.Buffer.AsMemory(0, audio.Length), audio.ArrivalTimestamp, CancellationToken.None);
        }
        catch (DictationException ex)
        {
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
