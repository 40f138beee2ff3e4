using Microsoft.Extensions.Time.Testing;
using Seva.Actors.Dictation;
using Seva.Actors.Speech;
using Seva.Actors.Tests.Support;

namespace Seva.Actors.Tests.Speech;

public sealed class SpeechMetricsTests
{
    [Fact]
    public void RecentDelay_IsTheMaximumOfTheLastTwoSeconds()
    {
        var time = new FakeTimeProvider();
        var metrics = new SpeechMetrics(time);
        var arrived = time.GetTimestamp();
        time.Advance(TimeSpan.FromMilliseconds(900));
        metrics.RecordIngest(arrived, arrived);
        metrics.RecordIngest(time.GetTimestamp(), time.GetTimestamp());
        Assert.Equal(TimeSpan.FromMilliseconds(900), metrics.RecentDelay);

        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.Zero, metrics.RecentDelay);
    }
}

[Collection(EngineCollection.Name)]
public sealed class AdmissionTests(EngineFixture fixture)
{
    [Fact]
    public async Task WhileDecodingLags_NewSessionsAreRefused_WithRetryAfter()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = new ActorHarness(fixture.Engine, new DictationOptions { OverloadQueueDelay = TimeSpan.FromMilliseconds(750), RetryAfterSeconds = 5 }, time);
        var arrived = time.GetTimestamp();
        time.Advance(TimeSpan.FromSeconds(1));
        harness.Metrics.RecordIngest(arrived, arrived); // audio waited 1 s to be decoded

        var refused = await Assert.ThrowsAsync<DictationException>(() => harness.StartAsync(ActorHarness.Start(), new RecordingFollower(), CancellationToken.None));
        Assert.Equal(DictationErrorCodes.SessionLimitExceeded, refused.Error.Code);
        Assert.Equal(5, refused.Error.RetryAfter);

        time.Advance(TimeSpan.FromSeconds(3)); // caught up
        var (session, _) = await harness.StartAsync(ActorHarness.Start(), new RecordingFollower(), CancellationToken.None);
        await session.EndAsync(CancellationToken.None);
    }
}
