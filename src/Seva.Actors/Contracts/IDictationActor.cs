using Dapr.Actors;
using Seva.Actors.Dictation;

namespace Seva.Actors.Contracts;

/// <summary>A dictation session as every caller sees it (WebSocket connections, the Dictation page,
/// uploads, the Transcribe-compatible endpoint), whichever host runs it.</summary>
/// <remarks>Each method takes one request record and answers with one reply record, in JSON: Dapr's
/// non-remoting call style, so the same contract crosses a sidecar unchanged. Failures a caller must act
/// on come back in the reply's <c>Error</c>, never as exceptions, because an exception thrown behind a
/// sidecar reaches the caller as an opaque invocation error. The session's events (results, errors,
/// completion) do not come back here: they reach the caller's <see cref="FollowerAddress"/> through the
/// fan-out (<see cref="Fanout.IDictationEventSink"/>).</remarks>
public interface IDictationActor : IActor
{
    /// <summary>Starts the session, or resumes it for a new connection when the request allows it.</summary>
    Task<DictationStartReply> StartAsync(DictationStartRequest request);

    /// <summary>Takes a chunk of 16-bit LE PCM at the session's rate.</summary>
    Task<DictationAudioReply> AcceptAudioAsync(DictationAudioRequest request);

    /// <summary>The client ended the session: decode what is left, keep everything, answer the outcome.</summary>
    Task<DictationEndReply> EndAsync(DictationEndRequest request);

    /// <summary>The connection holding the session went away without ending it: the session waits
    /// <see cref="DictationOptions.ResumeWindow"/> for another, then keeps what it has.</summary>
    Task DetachAsync(DictationDetachRequest request);

    /// <summary>How far the session is (an upload's progress bar follows it).</summary>
    Task<DictationProgress> GetProgressAsync();

    /// <summary>The session's timers (idle timeout, resume window): what a host's sweeper or a Dapr
    /// timer calls; it ends the session if one ran out.</summary>
    Task CheckTimersAsync();
}

/// <summary>Where a session's events go: the host holding the caller's socket or circuit, and the
/// caller on it.</summary>
public sealed record FollowerAddress(string HostId, string ConnectionId);

/// <param name="Resumable">A connection that may drop (the WebSocket API) asks for a session it can
/// resume with the same id; pages and uploads do not.</param>
public sealed record DictationStartRequest(DictationStart Start, FollowerAddress Follower, bool Resumable);

public sealed record DictationStartReply(DictationStarted? Started, DictationError? Error);

/// <param name="ConnectionId">The caller sending it: audio from a connection the session no longer
/// belongs to (another resumed it) is refused, as a late duplicate.</param>
/// <param name="WaitUntilProcessed">An upload feeds as fast as the session decodes and waits for each
/// chunk; a live connection only queues it.</param>
public sealed record DictationAudioRequest(string ConnectionId, byte[] Pcm, bool WaitUntilProcessed = false);

/// <param name="ReceivedBytes">The session's PCM so far (what a resuming client resends after).</param>
public sealed record DictationAudioReply(long ReceivedBytes, DictationError? Error);

public sealed record DictationEndRequest(string ConnectionId);

public sealed record DictationEndReply(DictationCompleted? Completed, DictationError? Error);

public sealed record DictationDetachRequest(string ConnectionId);

/// <param name="Completed">Set once the session is finalised, whatever ended it.</param>
public sealed record DictationProgress(bool IsActive, double SecondsDecoded, long ReceivedBytes, DictationCompleted? Completed);

/// <summary>Reaches the dictation actor of a session id on whatever host runs it.</summary>
public interface IDictationActors
{
    IDictationActor Get(string sessionId);
}
