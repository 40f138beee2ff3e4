using Microsoft.Extensions.Logging.Abstractions;
using Seva.Actors.Contracts;
using Seva.Actors.Dictation;
using Seva.Actors.Fanout;
using Seva.Actors.Storage;
using Seva.Actors.Tests.Support;

namespace Seva.Actors.Tests.Fanout;

public sealed class DictationFollowersTests
{
    private readonly DictationFollowers _followers = new(new RecordLease("web-1", TimeSpan.FromMinutes(1)), NullLogger<DictationFollowers>.Instance);

    private static DictationEvent Final(long sequence, string text) =>
        new("s1", sequence, Result: new DictationResult("seg-" + sequence, IsPartial: false, text, 0.9, sequence, sequence + 1));

    [Fact]
    public void EventsArrivingOutOfOrder_ReachTheFollowerInSequence()
    {
        var follower = new RecordingFollower();
        var registration = _followers.Register(follower);
        registration.Open();

        _followers.Deliver(registration.Address, Final(2, "two"));
        _followers.Deliver(registration.Address, Final(3, "three"));
        Assert.Empty(follower.Events); // 1 is missing: nothing may overtake it
        _followers.Deliver(registration.Address, Final(1, "one"));

        Assert.Equal(["one", "two", "three"], follower.Finals.Select(f => f.Text));
    }

    [Fact]
    public async Task AnEventLostForGood_IsGivenUpAfterAMoment_AndTheRestStillArrive()
    {
        var follower = new RecordingFollower();
        var registration = _followers.Register(follower);
        registration.Open();

        _followers.Deliver(registration.Address, Final(2, "two")); // 1 was never published
        _followers.Deliver(registration.Address, Final(3, "three"));

        await Poll.UntilAsync(() => follower.Finals.Count == 2, TimeSpan.FromSeconds(10));
        Assert.Equal(["two", "three"], follower.Finals.Select(f => f.Text));
        _followers.Deliver(registration.Address, Final(1, "one, too late"));
        Assert.Equal(2, follower.Finals.Count);
    }

    [Fact]
    public void AnEventDeliveredTwice_ReachesTheFollowerOnce()
    {
        var follower = new RecordingFollower();
        var registration = _followers.Register(follower);
        registration.Open();

        _followers.Deliver(registration.Address, Final(1, "one"));
        _followers.Deliver(registration.Address, Final(1, "one"));
        _followers.Deliver(registration.Address, Final(2, "two"));
        _followers.Deliver(registration.Address, Final(2, "two"));

        Assert.Equal(["one", "two"], follower.Finals.Select(f => f.Text));
    }

    [Fact]
    public void EventsBeforeOpen_WaitAndComeFirst_OnceTheCallerHasAnsweredItsClient()
    {
        var follower = new RecordingFollower();
        var registration = _followers.Register(follower);

        _followers.Deliver(registration.Address, Final(1, "missed while away"));
        Assert.Empty(follower.Events);
        registration.Open();
        _followers.Deliver(registration.Address, Final(2, "live"));

        Assert.Equal(["missed while away", "live"], follower.Finals.Select(f => f.Text));
    }

    [Fact]
    public void EventsForAFollowerThatLeft_AreDropped_AndOthersStillGetTheirs()
    {
        var gone = new RecordingFollower();
        var staying = new RecordingFollower();
        var left = _followers.Register(gone);
        var kept = _followers.Register(staying);
        left.Open();
        kept.Open();
        left.Dispose();

        _followers.Deliver(left.Address, Final(1, "for nobody"));
        _followers.Deliver(kept.Address, Final(1, "for staying"));

        Assert.Empty(gone.Events);
        Assert.Equal(["for staying"], staying.Finals.Select(f => f.Text));
        Assert.Equal("web-1", kept.Address.HostId);
        Assert.NotEqual(left.Address.ConnectionId, kept.Address.ConnectionId);
    }

    [Fact]
    public void EachKindOfEvent_ReachesItsCallback_AndSupersededCallsTheConnectionsHandler()
    {
        var follower = new RecordingFollower();
        var superseded = 0;
        var registration = _followers.Register(follower, () => superseded++);
        registration.Open();
        var completed = new DictationCompleted("s1", Guid.NewGuid(), "key", 1.5, 3, TranscriptionStatus.Completed, null);

        _followers.Deliver(registration.Address, new DictationEvent("s1", 1, Retracted: ["seg-0"]));
        _followers.Deliver(registration.Address, new DictationEvent("s1", 2, Error: DictationError.InvalidAudio("odd")));
        _followers.Deliver(registration.Address, new DictationEvent("s1", 3, Completed: completed));
        _followers.Deliver(registration.Address, new DictationEvent("s1", 4, Superseded: true));

        Assert.Collection(
            follower.Events,
            e => Assert.Equal(["seg-0"], Assert.IsType<Retraction>(e).SegmentIds),
            e => Assert.Equal(DictationErrorCodes.InvalidAudioFormat, Assert.IsType<DictationError>(e).Code),
            e => Assert.Equal(completed, e));
        Assert.Equal(1, superseded);
    }

    [Fact]
    public void AddressedFollower_NumbersEventsFromOne_ForItsAddress()
    {
        var sink = new CollectingSink();
        var address = new FollowerAddress("web-2", "c1");
        var follower = new AddressedFollower("s1", address, sink);

        follower.OnResult(new DictationResult("a", true, "par", 0.5, 0, 1));
        follower.OnError(DictationError.InvalidAudio("x"));
        follower.OnSuperseded();

        Assert.All(sink.Sent, s => Assert.Equal(address, s.To));
        Assert.Equal([1L, 2L, 3L], sink.Sent.Select(s => s.Event.Sequence));
        Assert.True(sink.Sent[2].Event.Superseded);
    }

    [Fact]
    public async Task ASessionThatMovedHost_NumbersAfresh_AndItsEventsAreNotTakenForDuplicates()
    {
        var follower = new RecordingFollower();
        var registration = _followers.Register(follower);
        registration.Open();
        var sink = new CollectingSink();
        var before = new AddressedFollower("s1", registration.Address, sink);
        var after = new AddressedFollower("s1", registration.Address, sink, epoch: 1);

        before.OnResult(new DictationResult("a", false, "one", 0.9, 0, 1));
        before.OnResult(new DictationResult("b", false, "two", 0.9, 1, 2));
        after.OnResult(new DictationResult("c", false, "three", 0.9, 2, 3));
        after.OnResult(new DictationResult("d", false, "four", 0.9, 3, 4));
        foreach (var sent in sink.Sent)
        {
            _followers.Deliver(registration.Address, sent.Event);
        }

        await Poll.UntilAsync(() => follower.Finals.Count == 4, TimeSpan.FromSeconds(10));
        Assert.Equal(["one", "two", "three", "four"], follower.Finals.Select(f => f.Text));
    }

    [Fact]
    public async Task TheLastEventsOfTheEarlierHost_ArrivingAfterTheNextHostsFirst_StillComeFirst()
    {
        var follower = new RecordingFollower();
        var registration = _followers.Register(follower);
        registration.Open();

        _followers.Deliver(registration.Address, Final(1, "one"));
        _followers.Deliver(registration.Address, Final(EventSequence.First(1), "moved one"));
        _followers.Deliver(registration.Address, Final(2, "two, published late by the earlier host"));
        Assert.Equal(["one", "two, published late by the earlier host"], follower.Finals.Select(f => f.Text));

        await Poll.UntilAsync(() => follower.Finals.Count == 3, TimeSpan.FromSeconds(10)); // nothing more of the earlier host came
        _followers.Deliver(registration.Address, Final(3, "three, too late"));
        _followers.Deliver(registration.Address, Final(EventSequence.First(1) + 1, "moved two"));

        Assert.Equal(["one", "two, published late by the earlier host", "moved one", "moved two"], follower.Finals.Select(f => f.Text));
    }

    private sealed class CollectingSink : IDictationEventSink
    {
        public List<DictationEventEnvelope> Sent { get; } = [];

        public void Send(FollowerAddress to, DictationEvent dictationEvent) => Sent.Add(new DictationEventEnvelope(to, dictationEvent));
    }
}
