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
/// behind its own mailbox; enforces the concurrent-session limit.</summary>
public sealed class DictationSessions(
    ISpeechEngine engine,
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
    public async Task<(DictationSession Session, DictationStarted Started)> StartAsync(DictationStart start, IDictationFollower follower, CancellationToken cancellationToken)
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
        var deps = new DictationDependencies(engine, records, audio, options.Value, time, loggers.CreateLogger<DictationActor>());
        var session = new DictationSession(sessionId, deps, _logger, time);
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

    internal DictationSession(string sessionId, DictationDependencies deps, ILogger logger, TimeProvider time)
    {
        _time = time;
        Mailbox = new ActorMailbox(logger, HandleAudioAsync);
        Actor = new DictationActor(sessionId, deps, work => Mailbox.Post(work));
    }

    public string SessionId => Actor.SessionId;

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
    public async ValueTask PostAudioAsync(ReadOnlyMemory<byte> pcm, long arrivalTimestamp, CancellationToken cancellationToken)
    {
        await _queued.WaitAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(pcm.Length);
        pcm.CopyTo(buffer);
        if (!Mailbox.PostAudio(new AudioMessage(buffer, pcm.Length, arrivalTimestamp)))
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _queued.Release();
            throw new DictationException(DictationError.InvalidState("Audio after session_end: the session has ended."));
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
