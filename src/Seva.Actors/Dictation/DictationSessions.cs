using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Seva.Actors.Fanout;
using Seva.Actors.Speech;
using Seva.Actors.Storage;
using Seva.Actors.Telemetry;

namespace Seva.Actors.Dictation;

/// <summary>The in-process actor host for dictation: one <see cref="DictationSession"/> per session id,
/// found by id as the Dapr runtime finds an actor. Admission is <see cref="DictationAdmission"/>'s, shared
/// with the Dapr host; callers reach sessions through <see cref="Contracts.IDictationActor"/>.</summary>
public sealed class DictationSessions(
    ISpeechEngine engine,
    EngineCircuitBreaker breaker,
    TranscriptionStore records,
    IAudioStore audio,
    DictationAdmission admission,
    IOptions<DictationOptions> options,
    TimeProvider time,
    ILoggerFactory loggers) : IAsyncDisposable
{
    /// <summary>How long an ended session's outcome is kept for a caller that asks after it ended.</summary>
    private static readonly TimeSpan CompletedKept = TimeSpan.FromMinutes(5);

    /// <summary>How long disposing waits for sessions when no shutdown ended them first.</summary>
    private static readonly TimeSpan DisposeWait = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, DictationSession> _active = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _starting = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (DictationCompleted Completed, long At)> _ended = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggers.CreateLogger<DictationSessions>();
    private volatile bool _endedAll;

    public int ActiveCount => _active.Count;

    public DictationSession? Find(string sessionId) => _active.GetValueOrDefault(sessionId);

    /// <summary>The outcome of a session that ended within the last few minutes.</summary>
    public DictationCompleted? FindEnded(string sessionId) => _ended.TryGetValue(sessionId, out var ended) ? ended.Completed : null;

    /// <summary>Starts session <paramref name="sessionId"/> followed by <paramref name="follower"/>. A
    /// resumable session still open is resumed by the new follower instead (the previous connection is
    /// superseded). Throws <see cref="DictationException"/> (limit, bad fields, engine or database failure).</summary>
    public async Task<(DictationSession Session, DictationStarted Started)> StartAsync(string sessionId, DictationStart start, AddressedFollower follower, bool resumable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (_active.TryGetValue(sessionId, out var existing))
        {
            if (!resumable)
            {
                throw new DictationException(DictationError.InvalidState($"Session {sessionId} is already active."));
            }

            var resumed = existing.Resume(start, follower);
            _logger.LogInformation("Dictation {SessionId} resumed by a new connection at {Bytes} bytes", sessionId, resumed.ReceivedBytes);
            return (existing, resumed);
        }

        return await OpenAsync(sessionId, deps => DictationSession.StartAsync(sessionId, start, follower, resumable, admission, deps, _logger, cancellationToken));
    }

    /// <summary>Goes on here with session <paramref name="sessionId"/>, which ran on another actor host
    /// (see <see cref="DictationActor.ContinueAsync"/>); its events go to <paramref name="follower"/>.</summary>
    public Task<(DictationSession Session, DictationStarted Started)> ContinueAsync(string sessionId, DictationContinuation continuation, AddressedFollower follower, CancellationToken cancellationToken) =>
        OpenAsync(sessionId, deps => DictationSession.ContinueAsync(sessionId, continuation, follower, admission, deps, _logger, cancellationToken));

    /// <summary>Moves session <paramref name="sessionId"/> off this host (see <see cref="DictationActor.SuspendAsync"/>);
    /// false if it was not running here.</summary>
    public async Task<bool> SuspendAsync(string sessionId)
    {
        if (!_active.TryGetValue(sessionId, out var session) || !session.IsActive)
        {
            return false;
        }

        if (!await session.SuspendAsync())
        {
            return false; // it ended on its own meanwhile
        }

        // Gone from here at once, so a call that reaches this host next finds it moved, not running.
        _active.TryRemove(KeyValuePair.Create(sessionId, session));
        return true;
    }

    private async Task<(DictationSession Session, DictationStarted Started)> OpenAsync(string sessionId, Func<DictationDependencies, Task<(DictationSession Session, DictationStarted Started)>> open)
    {
        if (_endedAll)
        {
            // Stopping: a session started or taken up here now would be cut off at once (in Dapr mode the
            // caller's next try reaches a host that stays).
            throw new DictationException(new DictationError(DictationErrorCodes.TranscribeServiceError, "This server is shutting down: try again in a moment.", Recoverable: true, RetryAfter: 2));
        }

        // The id is taken before the session starts (as the Dapr runtime puts two starts of one actor in
        // turn), so a second start of the same id is refused without leaving a record behind.
        if (!_starting.TryAdd(sessionId, 0))
        {
            throw new DictationException(DictationError.InvalidState($"Session {sessionId} is already active."));
        }

        try
        {
            if (_active.ContainsKey(sessionId))
            {
                // It started between the first look and the reservation: another connection's, not ours to take.
                throw new DictationException(DictationError.InvalidState($"Session {sessionId} is already active."));
            }

            var deps = new DictationDependencies(engine, breaker, records, audio, options.Value, time, loggers.CreateLogger<DictationActor>());
            var (session, started) = await open(deps);
            _active[sessionId] = session; // the reservation makes this id ours: nothing else added it meanwhile
            SevaTelemetry.ActiveDictations.Add(1);
            _ = RemoveWhenFinishedAsync(session);
            return (session, started);
        }
        finally
        {
            _starting.TryRemove(sessionId, out _);
        }
    }

    /// <summary>The connection holding <paramref name="session"/> went away without ending it: the session
    /// waits <see cref="DictationOptions.ResumeWindow"/> for a new connection, then is finalised as abandoned.</summary>
    public void Detach(DictationSession session, string connectionId)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.Relay is null)
        {
            // Nobody can resume it: what was received is kept and the record closed at once.
            _ = AbandonQuietlyAsync(session);
            return;
        }

        if (!session.Release(connectionId, out var generation))
        {
            return; // another connection took it over
        }

        _ = AbandonUnlessResumedAsync(session, generation);
    }

    private static async Task AbandonQuietlyAsync(DictationSession session)
    {
        try
        {
            await session.AbandonAsync();
        }
        catch (DictationException)
        {
            // it finished on its own meanwhile
        }
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

    /// <summary>Finalises sessions that had no audio for the idle timeout (the in-process timer).</summary>
    public void TimeOutIdleSessions()
    {
        foreach (var session in _active.Values)
        {
            _ = CheckTimersAsync(session);
        }
    }

    /// <summary>Runs one session's timers; a session that ended meanwhile is left alone.</summary>
    public async Task CheckTimersAsync(DictationSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        try
        {
            await session.CheckTimersAsync(options.Value.IdleTimeout);
        }
        catch (DictationException)
        {
            // it ended on its own meanwhile
        }
    }

    /// <summary>Ends every open session (as when its client leaves: text and audio kept, record FAILED),
    /// all at once, waiting at most <paramref name="timeout"/>. A session still busy after it keeps what
    /// was saved so far; the next start marks its record FAILED.</summary>
    public async Task EndAllAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _endedAll = true;
        var open = _active.Values.ToList();
        var ending = open.Select(s => s.ShutDownAsync()).ToList();
        try
        {
            await Task.WhenAll(ending).WaitAsync(timeout, time, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            _logger.LogWarning("{Count} of {Open} sessions did not end in time; their records keep what was saved", ending.Count(t => !t.IsCompleted), open.Count);
        }
    }

    /// <summary>In Dapr mode, as this host stops: every open session moves off it (text saved, audio
    /// completed, record left for the host Dapr places the session on next), waiting at most
    /// <paramref name="timeout"/>.</summary>
    public async Task SuspendAllAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _endedAll = true;
        var open = _active.Keys.ToList();
        var moving = open.Select(SuspendAsync).ToList();
        try
        {
            await Task.WhenAll(moving).WaitAsync(timeout, time, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            _logger.LogWarning("{Count} of {Open} sessions did not move off this host in time; their records keep what was saved", moving.Count(t => !t.IsCompleted), open.Count);
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
        await session.RunToEndAsync(_logger);
        if (session.Completion.IsCompletedSuccessfully)
        {
            RememberEnded(session.SessionId, session.Completion.Result);
        }

        // Whatever ended it, the id is free again.
        SevaTelemetry.ActiveDictations.Add(-1);
        _active.TryRemove(KeyValuePair.Create(session.SessionId, session));
    }

    private void RememberEnded(string sessionId, DictationCompleted completed)
    {
        var now = time.GetTimestamp();
        foreach (var (id, ended) in _ended)
        {
            if (time.GetElapsedTime(ended.At, now) > CompletedKept)
            {
                _ended.TryRemove(id, out _);
            }
        }

        _ended[sessionId] = (completed, now);
    }
}
