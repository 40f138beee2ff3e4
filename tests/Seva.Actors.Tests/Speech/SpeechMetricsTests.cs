using Microsoft.Extensions.Time.Testing;
using Seva.Actors.Dictation;
using Seva.Actors.Speech;
using Seva.Actors.Tests.Support;

namespace Seva.Actors.Tests.Speech;

public sealed class SpeechMetricsTests
{
    [Fact]
    public void Histogram_Percentiles_FallInTheRightBuckets()
    {
        var histogram = new LatencyHistogram();
        for (var i = 1; i <= 100; i++)
        {
            histogram.Record(TimeSpan.FromMilliseconds(i));
        }

        var snapshot = histogram.Snapshot();
        Assert.Equal(100, snapshot.Count);
        Assert.InRange(snapshot.PercentileMilliseconds(0.5), 50, 50 * 1.19 + 1);
        Assert.InRange(snapshot.PercentileMilliseconds(0.95), 95, 100);
        Assert.Equal(100, snapshot.Max.TotalMilliseconds);
    }

    [Fact]
    public void Snapshot_Since_CountsOnlyTheInterval()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(TimeSpan.FromSeconds(1));
        var before = histogram.Snapshot();
        histogram.Record(TimeSpan.FromMilliseconds(2));
        var interval = histogram.Snapshot().Since(before);
        Assert.Equal(1, interval.Count);
        Assert.InRange(interval.PercentileMilliseconds(0.99), 2, 2.5);
    }

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

        var refused = await Assert.ThrowsAsync<DictationException>(() => harness.Sessions.StartAsync(ActorHarness.Start(), new RecordingFollower(), CancellationToken.None));
        Assert.Equal(DictationErrorCodes.SessionLimitExceeded, refused.Error.Code);
        Assert.Equal(5, refused.Error.RetryAfter);

        time.Advance(TimeSpan.FromSeconds(3)); // caught up
        var (session, _) = await harness.Sessions.StartAsync(ActorHarness.Start(), new RecordingFollower(), CancellationToken.None);
        await session.EndAsync(CancellationToken.None);
    }
}
