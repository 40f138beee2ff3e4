using Seva.Actors.Contracts;
using Seva.Actors.Dictation;

namespace Seva.Actors.Fanout;

/// <summary>A follower known only by its address: the session's callbacks become numbered events sent
/// through the sink to whichever host holds the follower.</summary>
/// <remarks>Calls come one at a time (the session's turn, or the relay's lock), so the counter needs no
/// more than <see cref="Interlocked"/>.</remarks>
/// <param name="epoch">0 where the session started; higher on each host it went on on after a move
/// (<see cref="EventSequence"/>).</param>
public sealed class AddressedFollower(string sessionId, FollowerAddress address, IDictationEventSink sink, int epoch = 0) : IDictationFollower
{
    private long _sequence = EventSequence.Start(epoch);

    public FollowerAddress Address => address;

    public void OnResult(DictationResult result) => Send(new DictationEvent(sessionId, Next(), Result: result));

    public void OnRetracted(IReadOnlyList<string> segmentIds) => Send(new DictationEvent(sessionId, Next(), Retracted: segmentIds));

    public void OnError(DictationError error) => Send(new DictationEvent(sessionId, Next(), Error: error));

    public void OnCompleted(DictationCompleted completed) => Send(new DictationEvent(sessionId, Next(), Completed: completed));

    public void OnSuperseded() => Send(new DictationEvent(sessionId, Next(), Superseded: true));

    private long Next() => Interlocked.Increment(ref _sequence);

    private void Send(DictationEvent dictationEvent) => sink.Send(address, dictationEvent);
}
