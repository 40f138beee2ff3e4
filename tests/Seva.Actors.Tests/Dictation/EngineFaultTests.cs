using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Seva.Actors.Dictation;
using Seva.Actors.Speech;
using Seva.Actors.Storage;
using Seva.Actors.Tests.Support;

namespace Seva.Actors.Tests.Dictation;

/// <summary>A session survives its speech stream failing; repeated engine failures stop new sessions.</summary>
public sealed class EngineFaultTests
{
    private const int Rate = 16000;

    private static short[] Noise(double seconds, int seed = 1)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, (int)(seconds * Rate)).Select(_ => (short)random.Next(short.MinValue, short.MaxValue))];
    }

    [Fact]
    public async Task StreamFailsMidSession_AFreshStreamGetsTheLastFiveSecondsReplayed_AndTheSessionCompletesWithEveryFinal()
    {
        var engine = new ScriptedEngine();
        await using var harness = new ActorHarness(engine);
        var follower = new RecordingFollower();
        var (session, started) = await harness.StartAsync(ActorHarness.Start(), follower, CancellationToken.None);
        var before = Noise(8);
        await ActorHarness.SendAsync(session, before, Rate);
        var first = Assert.Single(engine.Streams);
        first.Final("before the fault", 0.5, 4.0);
        await Poll.UntilAsync(() => follower.Finals.Count == 1);

        first.Fail();
        await Poll.UntilAsync(() => engine.Streams.Count == 2);
        var fresh = engine.Streams[1];
        Assert.True(first.Disposed);
        Assert.Equal(before[(3 * Rate)..], fresh.Written);
        var notice = Assert.Single(follower.Errors);
        Assert.Equal(DictationErrorCodes.TranscribeServiceError, notice.Code);
        Assert.True(notice.Recoverable);

        var after = Noise(2, seed: 2);
        await ActorHarness.SendAsync(session, after, Rate);
        Assert.Equal([.. before[(3 * Rate)..], .. after], fresh.Written);
        fresh.Final("the fault", 0.5, 1.0); // replayed audio, already final: 3.5-4.0 s of the session
        fresh.Final("after the fault", 5.5, 6.5);
        var completed = await session.EndAsync(CancellationToken.None);

        Assert.Equal(["before the fault", "after the fault"], follower.Finals.Select(f => f.RawText));
        Assert.Equal(8.5, follower.Finals[1].StartTime, 2); // in session time, not the fresh stream's
        Assert.Equal(TranscriptionStatus.Completed, completed.Status);
        Assert.Null(completed.ErrorCode);
        var record = await harness.RecordAsync(started.TranscriptionId);
        Assert.Equal(TranscriptionStatus.Completed, record.Status);
        Assert.Equal("Before the fault. After the fault.", record.TranscriptText); // finals without spoken punctuation read as sentences
        Assert.Equal(10.0, record.AudioDurationSeconds, 3);
        Assert.InRange(Mp3Frames.Read(await harness.AudioAsync(record.AudioKey!)).Duration, 9.9, 10.2);
    }

    [Fact]
    public async Task StreamFailsMaxEngineFailuresTimes_SessionEndsFailed_KeepingTextAndAudio()
    {
        var engine = new ScriptedEngine();
        await using var harness = new ActorHarness(engine, new DictationOptions { MaxEngineFailures = 3 });
        var follower = new RecordingFollower();
        var (session, started) = await harness.StartAsync(ActorHarness.Start(), follower, CancellationToken.None);
        await ActorHarness.SendAsync(session, Noise(2), Rate);
        engine.Streams[0].Final("kept words", 0.2, 1.5);
        await Poll.UntilAsync(() => follower.Finals.Count == 1);

        engine.Streams[0].Fail();
        await Poll.UntilAsync(() => engine.Streams.Count == 2);
        await ActorHarness.SendAsync(session, Noise(1), Rate);
        engine.Streams[1].Fail();
        await Poll.UntilAsync(() => engine.Streams.Count == 3);
        Assert.False(session.Completion.IsCompleted);
        engine.Streams[2].Fail();
        var completed = await session.Completion.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(3, engine.Streams.Count);
        Assert.Equal([true, true, false], follower.Errors.Where(e => e.Code == DictationErrorCodes.TranscribeServiceError).Select(e => e.Recoverable));
        Assert.Equal(TranscriptionStatus.Failed, completed.Status);
        var record = await harness.RecordAsync(started.TranscriptionId);
        Assert.Equal(TranscriptionStatus.Failed, record.Status);
        Assert.Equal(DictationErrorCodes.TranscribeServiceError, record.ErrorCode);
        Assert.Equal("Kept words.", record.TranscriptText);
        Assert.Equal(3.0, record.AudioDurationSeconds, 3);
        Assert.InRange(Mp3Frames.Read(await harness.AudioAsync(record.AudioKey!)).Duration, 2.9, 3.2);
    }

    [Fact]
    public async Task EngineFailsRepeatedly_NewSessionsAreRefusedWithRetryAfter_UntilAProbeStartSucceeds()
    {
        var engine = new ScriptedEngine();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var breakOptions = new EngineBreakerOptions { FailureThreshold = 3, SamplingDuration = TimeSpan.FromSeconds(60), BreakDuration = TimeSpan.FromSeconds(30) };
        await using var harness = new ActorHarness(engine, time: time, breaker: breakOptions);
        var health = new EngineBreakerHealthCheck(harness.Breaker);

        // A running session's stream failing counts as well as streams that do not open.
        var (running, _) = await harness.StartAsync(ActorHarness.Start(), new RecordingFollower(), CancellationToken.None);
        await ActorHarness.SendAsync(running, Noise(1), Rate);
        engine.Streams[0].Fail();
        await Poll.UntilAsync(() => engine.Streams.Count == 2);
        engine.FailNextOpens(2);
        for (var i = 0; i < 2; i++)
        {
            var failed = await Assert.ThrowsAsync<DictationException>(() => harness.StartAsync(ActorHarness.Start(), new RecordingFollower(), CancellationToken.None));
            Assert.Equal(DictationErrorCodes.TranscribeServiceError, failed.Error.Code);
        }

        time.Advance(TimeSpan.FromSeconds(10));
        var refused = await Assert.ThrowsAsync<DictationException>(() => harness.StartAsync(ActorHarness.Start(), new RecordingFollower(), CancellationToken.None));
        Assert.Equal(DictationErrorCodes.TranscribeServiceError, refused.Error.Code);
        Assert.Equal(20, refused.Error.RetryAfter);
        Assert.Equal(4, engine.OpenAttempts); // refused without trying the engine (1 session, 1 recovery, 2 failed opens before)
        Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync(new HealthCheckContext())).Status);
        Assert.False(running.Completion.IsCompleted); // sessions already running go on

        time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(HealthStatus.Degraded, (await health.CheckHealthAsync(new HealthCheckContext())).Status);
        var (probe, _) = await harness.StartAsync(ActorHarness.Start(), new RecordingFollower(), CancellationToken.None);
        Assert.Equal(EngineBreakerState.Closed, harness.Breaker.State);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(new HealthCheckContext())).Status);
        var (next, _) = await harness.StartAsync(ActorHarness.Start(), new RecordingFollower(), CancellationToken.None);

        await Task.WhenAll(running.EndAsync(CancellationToken.None), probe.EndAsync(CancellationToken.None), next.EndAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ProbeStartFails_BreakerOpensAgainForAWholeBreak()
    {
        var engine = new ScriptedEngine();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = new ActorHarness(engine, time: time, breaker: new EngineBreakerOptions { FailureThreshold = 1, BreakDuration = TimeSpan.FromSeconds(30) });
        engine.FailNextOpens(1);
        await Assert.ThrowsAsync<DictationException>(() => harness.StartAsync(ActorHarness.Start(), new RecordingFollower(), CancellationToken.None));
        Assert.Equal(EngineBreakerState.Open, harness.Breaker.State);

        time.Advance(TimeSpan.FromSeconds(30));
        engine.FailNextOpens(1);
        var probe = await Assert.ThrowsAsync<DictationException>(() => harness.StartAsync(ActorHarness.Start(), new RecordingFollower(), CancellationToken.None));
        Assert.Equal(5, probe.Error.RetryAfter); // the probe itself failed on the engine

        var refused = await Assert.ThrowsAsync<DictationException>(() => harness.StartAsync(ActorHarness.Start(), new RecordingFollower(), CancellationToken.None));
        Assert.Equal(30, refused.Error.RetryAfter);
        Assert.Equal(2, engine.OpenAttempts);
    }

    [Fact]
    public void Breaker_CountsOnlyFailuresWithinTheSamplingDuration_AndLetsOneProbeThroughAtATime()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var breaker = new EngineCircuitBreaker(Options.Create(new EngineBreakerOptions { FailureThreshold = 2, SamplingDuration = TimeSpan.FromSeconds(60), BreakDuration = TimeSpan.FromSeconds(30) }), time, NullLogger<EngineCircuitBreaker>.Instance);
        breaker.RecordFailure(EngineCircuitBreaker.StreamFailure);
        time.Advance(TimeSpan.FromSeconds(61));
        breaker.RecordFailure(EngineCircuitBreaker.StreamFailure);
        Assert.Equal(EngineBreakerState.Closed, breaker.State);
        breaker.RecordFailure(EngineCircuitBreaker.OpenFailure);
        Assert.Equal(EngineBreakerState.Open, breaker.State);
        Assert.False(breaker.Admit().Admitted);

        time.Advance(TimeSpan.FromSeconds(30));
        var probe = breaker.Admit();
        Assert.True(probe is { Admitted: true, IsProbe: true });
        Assert.False(breaker.Admit().Admitted); // a second start waits for the probe
        breaker.Release(probe); // the probe never reached the engine (a bad field)
        var second = breaker.Admit();
        Assert.True(second.IsProbe);
        breaker.RecordOpened(second);
        Assert.Equal(EngineBreakerState.Closed, breaker.State);
        Assert.True(breaker.Admit() is { Admitted: true, IsProbe: false });
    }
}
