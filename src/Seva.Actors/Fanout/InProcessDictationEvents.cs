using Seva.Actors.Contracts;

namespace Seva.Actors.Fanout;

/// <summary>The fan-out when sessions run in the process that holds their followers: events are handed
/// straight to the follower, in the session's turn, already in order.</summary>
public sealed class InProcessDictationEvents(DictationFollowers followers) : IDictationEventSink
{
    public void Send(FollowerAddress to, DictationEvent dictationEvent) => followers.Deliver(to, dictationEvent);
}
