using Seva.Actors.Contracts;
using Seva.Actors.Dictation;

namespace Seva.Actors.Fanout;

/// <summary>One event of a session for one follower, in a form that crosses hosts (JSON). Exactly one of
/// the payload fields is set. <paramref name="Sequence"/> counts from 1 per follower, so the receiving
/// host can put events back in order (pub/sub may deliver them out of order) and drop duplicates.</summary>
/// <param name="Superseded">Another connection resumed the session: this follower is stale.</param>
public sealed record DictationEvent(
    string SessionId,
    long Sequence,
    DictationResult? Result = null,
    IReadOnlyList<string>? Retracted = null,
    DictationError? Error = null,
    DictationCompleted? Completed = null,
    bool Superseded = false);

/// <summary>An event with its destination, as it travels over pub/sub.</summary>
public sealed record DictationEventEnvelope(FollowerAddress To, DictationEvent Event);

/// <summary>How a session's events leave the actor for the host holding the follower: direct in one
/// process, Dapr pub/sub between hosts.</summary>
/// <remarks>Called inside the actor's turn: implementations hand the event off and return at once.</remarks>
public interface IDictationEventSink
{
    void Send(FollowerAddress to, DictationEvent dictationEvent);
}
