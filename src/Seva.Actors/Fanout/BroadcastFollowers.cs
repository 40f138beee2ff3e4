using Microsoft.Extensions.Logging;
using Seva.Actors.Broadcast;
using Seva.Actors.Contracts;
using Seva.Actors.Storage;

namespace Seva.Actors.Fanout;

/// <summary>The broadcast connections this host holds (see <see cref="FollowerRegistry{TEvent}"/>).</summary>
public sealed class BroadcastFollowers(RecordLease host, ILogger<BroadcastFollowers> logger) : FollowerRegistry<BroadcastEvent>(host, logger)
{
    public FollowerRegistration<BroadcastEvent> Register(IBroadcastClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return Register(e => Dispatch(client, e));
    }

    /// <summary>An envelope from pub/sub: the one event goes to each of its targets on this host.</summary>
    public void Deliver(BroadcastEventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        foreach (var target in envelope.Targets)
        {
            Deliver(target.ConnectionId, target.Sequence, envelope.Event);
        }
    }

    private static void Dispatch(IBroadcastClient client, BroadcastEvent e)
    {
        if (e.Caption is not null)
        {
            client.OnCaption(e.Caption);
        }
        else if (e.State is not null)
        {
            client.OnState(e.State);
        }
        else if (e.Status is not null)
        {
            client.OnStatus(e.Status);
        }
        else if (e.Speech is { } speech)
        {
            client.OnAudio(speech.SegmentId, speech.Language, speech.SampleRate, speech.Samples);
        }
        else if (e.EndedReason is not null)
        {
            client.OnEnded(e.EndedReason);
        }
    }
}

/// <summary>The fan-out when broadcasts run in the process holding their connections: events go
/// straight to the connection, in the broadcast's turn, the same objects for every listener.</summary>
public sealed class InProcessBroadcastEvents(BroadcastFollowers followers) : IBroadcastEventSink
{
    public void Send(FollowerAddress to, long sequence, BroadcastEvent broadcastEvent)
    {
        ArgumentNullException.ThrowIfNull(to);
        followers.Deliver(to.ConnectionId, sequence, broadcastEvent);
    }
}
