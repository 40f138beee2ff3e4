using Seva.Actors.Broadcast;
using Seva.Actors.Contracts;

namespace Seva.Actors.Fanout;

/// <summary>A broadcast connection known only by its address: the broadcast's callbacks become numbered
/// events sent through the sink to whichever host holds the connection.</summary>
/// <param name="epoch">0 where the broadcast started; higher on each host it went on on after a move
/// (<see cref="EventSequence"/>).</param>
public sealed class AddressedBroadcastClient(string sessionId, FollowerAddress address, IBroadcastEventSink sink, int epoch = 0) : IBroadcastClient
{
    private long _sequence = EventSequence.Start(epoch);

    public FollowerAddress Address => address;

    public void OnCaption(Caption caption) => Send(new BroadcastEvent(sessionId, Caption: caption));

    public void OnState(BroadcastState state) => Send(new BroadcastEvent(sessionId, State: state));

    public void OnStatus(BroadcastStatus status) => Send(new BroadcastEvent(sessionId, Status: status));

    public void OnEnded(string reason) => Send(new BroadcastEvent(sessionId, EndedReason: reason));

    public void OnAudio(string segmentId, string language, int sampleRate, short[] samples) =>
        Send(new BroadcastEvent(sessionId, Speech: new BroadcastSpeech(segmentId, language, sampleRate, samples)));

    private void Send(BroadcastEvent broadcastEvent) => sink.Send(address, Interlocked.Increment(ref _sequence), broadcastEvent);
}
