using Seva.Actors.Dictation;

namespace Seva.Actors.Tests.Dictation;

public sealed class FollowerRelayTests
{
    [Fact]
    public void EventsWhileDetached_FinalsAndErrorsAreKept_AndGoToTheNextConnectionFirst_PartialsAreNot()
    {
        var relay = new FollowerRelay();
        var first = new Recorder();
        relay.Attach(first);
        relay.OnResult(Result("s1", partial: false, "one"));
        relay.Detach(first);
        relay.OnResult(Result("s2", partial: true, "tw"));
        relay.OnResult(Result("s2", partial: false, "two"));
        relay.OnError(DictationError.InvalidState("oops"));

        var second = new Recorder();
        relay.Attach(second);
        relay.OnResult(Result("s3", partial: true, "thr"));

        Assert.Equal(["final s1"], first.Seen);
        Assert.Equal(["final s2", "error INVALID_SESSION_STATE", "partial s3"], second.Seen);
    }

    [Fact]
    public void DetachingAConnectionThatIsNoLongerCurrent_LeavesTheCurrentOneAttached()
    {
        var relay = new FollowerRelay();
        var old = new Recorder();
        var current = new Recorder();
        relay.Attach(old);
        relay.Attach(current);
        relay.Detach(old);
        relay.OnResult(Result("s1", partial: false, "one"));
        Assert.Equal(["final s1"], current.Seen);
        Assert.Empty(old.Seen);
    }

    private static DictationResult Result(string segment, bool partial, string text) => new(segment, partial, text, 1, 0, 1);

    private sealed class Recorder : IDictationFollower
    {
        public List<string> Seen { get; } = [];

        public void OnResult(DictationResult result) => Seen.Add($"{(result.IsPartial ? "partial" : "final")} {result.SegmentId}");

        public void OnRetracted(IReadOnlyList<string> segmentIds) => Seen.Add($"retracted {string.Join(',', segmentIds)}");

        public void OnError(DictationError error) => Seen.Add($"error {error.Code}");

        public void OnCompleted(DictationCompleted completed) => Seen.Add("completed");
    }
}
