using Microsoft.Extensions.Time.Testing;
using Seva.Actors.Dictation;
using Seva.Actors.Speech;
using Seva.Actors.Storage;
using Seva.Actors.Tests.Support;

namespace Seva.Actors.Tests.Dictation;

/// <summary>Storage faults and crashes never wedge a session or cut its audio from its record (issue 12).</summary>
[Collection(EngineCollection.Name)]
public sealed class StorageFaultTests(EngineFixture fixture)
{
    private static short[] Spoken(string sentence = "she has a history of diabetes and high blood pressure") =>
        [.. Flite.Speak(sentence).Samples, .. new short[16000]];

    [Fact]
    public async Task AudioWriteFails_AudioStopsForThatSessionOnly_ReportedOnce_AndTheSessionCompletesWithEveryFinal()
    {
        // The first writer fails after 2 KB and its dispose throws too (the wedge); later ones work.
        await using var harness = new ActorHarness(fixture.Engine, wrapAudio: inner => new FailingAudioStore(inner, failAfterBytes: 2000, failingWriters: 1));
        var follower = new RecordingFollower();
        var (session, started) = await harness.StartAsync(ActorHarness.Start(), follower, CancellationToken.None);
        await ActorHarness.SendAsync(session, Spoken(), 16000);
        await ActorHarness.SendAsync(session, Spoken("the patient reports chest pain"), 16000);
        var completed = await session.EndAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        var error = Assert.Single(follower.Errors, e => e.Code == DictationErrorCodes.S3UploadFailed);
        Assert.True(error.Recoverable);
        Assert.Contains(completed, follower.Events);
        Assert.Equal(TranscriptionStatus.Completed, completed.Status);
        await Poll.UntilAsync(() => harness.Sessions.ActiveCount == 0);
        var record = await harness.RecordAsync(started.TranscriptionId);
        Assert.Equal(TranscriptionStatus.Completed, record.Status);
        Assert.Equal(DictationErrorCodes.S3UploadFailed, record.ErrorCode);
        Assert.Equal(string.Join(' ', follower.Finals.Select(f => f.Text)), record.TranscriptText);
        Assert.True(follower.Finals.Count >= 2, $"finals: {follower.Finals.Count}");

        // The next session stores its audio as usual.
        var (next, _) = await harness.StartAsync(ActorHarness.Start(), new RecordingFollower(), CancellationToken.None);
        await ActorHarness.SendAsync(next, new short[32000], 16000);
        var nextCompleted = await next.EndAsync(CancellationToken.None);
        Assert.Null(nextCompleted.ErrorCode);
        Assert.InRange(Mp3Frames.Read(await harness.AudioAsync(nextCompleted.AudioKey!)).Duration, 1.9, 2.2); // LAME pads the last frame
    }

    [Fact]
    public async Task AudioWriteFails_TheIdleTimeoutStillEndsTheSession()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = new ActorHarness(fixture.Engine, new DictationOptions { IdleTimeout = TimeSpan.FromMinutes(1) }, time, inner => new FailingAudioStore(inner, failAfterBytes: 500));
        var follower = new RecordingFollower();
        var (session, started) = await harness.StartAsync(ActorHarness.Start(), follower, CancellationToken.None);
        await ActorHarness.SendAsync(session, new short[32000], 16000);
        Assert.Contains(follower.Errors, e => e.Code == DictationErrorCodes.S3UploadFailed);
        await ActorHarness.SendAsync(session, new short[16000], 16000); // audio after the failure is still taken

        time.Advance(TimeSpan.FromMinutes(1));
        harness.Sessions.TimeOutIdleSessions();
        var completed = await session.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(DictationErrorCodes.SessionTimeout, completed.ErrorCode);
        await Poll.UntilAsync(() => harness.Sessions.ActiveCount == 0);
        Assert.Equal(TranscriptionStatus.Completed, (await harness.RecordAsync(started.TranscriptionId)).Status);
    }

    [Fact]
    public async Task AudioKey_IsOnTheRecordFromTheStart_AndTheMp3OnDiskTrailsTheAudioByLessThanASecond()
    {
        await using var harness = new ActorHarness(fixture.Engine);
        var (session, started) = await harness.StartAsync(ActorHarness.Start(), new RecordingFollower(), CancellationToken.None);
        var record = await harness.RecordAsync(started.TranscriptionId);
        Assert.Equal(TranscriptionStatus.InProgress, record.Status);
        Assert.NotNull(record.AudioKey);

        await ActorHarness.SendAsync(session, Spoken(), 16000);
        var sent = (Spoken().Length) / 16000.0;
        var onDisk = Mp3Frames.Read(await harness.AudioAsync(record.AudioKey)).Duration;
        Assert.InRange(onDisk, sent - 1.0, sent);

        var completed = await session.EndAsync(CancellationToken.None);
        Assert.Equal(record.AudioKey, completed.AudioKey);
    }

    [Fact]
    public async Task RecordsLeftInProgressByACrash_BecomeFailedAtStartUp_KeepingTheirTextAndAudio()
    {
        await using var harness = new ActorHarness(fixture.Engine);
        var follower = new RecordingFollower();
        var (session, started) = await harness.StartAsync(ActorHarness.Start(), follower, CancellationToken.None);
        await ActorHarness.SendAsync(session, Spoken(), 16000);
        await Poll.UntilAsync(async () => await harness.RecordAsync(started.TranscriptionId), r => r.TranscriptText.Contains("diabetes", StringComparison.Ordinal));

        // What a restart after kill -9 does to the open record.
        Assert.Equal(1, await harness.Records.FailAbandonedAsync(CancellationToken.None));
        var record = await harness.RecordAsync(started.TranscriptionId);
        Assert.Equal(TranscriptionStatus.Failed, record.Status);
        Assert.Equal("SERVER_RESTARTED", record.ErrorCode);
        Assert.NotNull(record.AudioKey);
        Assert.True(Mp3Frames.Read(await harness.AudioAsync(record.AudioKey)).Duration > 3.0);
    }

    [Fact]
    public async Task DatabaseDownWhenTheSessionEnds_TheSessionCompletesAnyway_AndTheRecordIsSavedWhenTheDatabaseIsBack()
    {
        await using var harness = new ActorHarness(fixture.Engine);
        var follower = new RecordingFollower();
        var (session, started) = await harness.StartAsync(ActorHarness.Start(), follower, CancellationToken.None);
        await ActorHarness.SendAsync(session, Spoken(), 16000);
        harness.Sql("ALTER TABLE transcriptions RENAME TO transcriptions_away");

        var completed = await session.EndAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(TranscriptionStatus.Completed, completed.Status);
        Assert.Contains(follower.Errors, e => e.Code == DictationErrorCodes.DatabaseError && e.Recoverable);
        await Poll.UntilAsync(() => harness.Sessions.ActiveCount == 0);

        harness.Sql("ALTER TABLE transcriptions_away RENAME TO transcriptions");
        var record = await Poll.UntilAsync(async () => await harness.RecordAsync(started.TranscriptionId), r => r.Status == TranscriptionStatus.Completed, TimeSpan.FromSeconds(30));
        Assert.Equal(string.Join(' ', follower.Finals.Select(f => f.Text)), record.TranscriptText);
        Assert.Contains("diabetes", record.TranscriptText, StringComparison.Ordinal);
        Assert.Equal(completed.WordCount, record.WordCount);
        Assert.Equal(completed.AudioKey, record.AudioKey);
    }

    [Fact]
    public async Task Shutdown_EndsEveryOpenSession_KeepingTextAndAudio()
    {
        await using var harness = new ActorHarness(fixture.Engine);
        var followers = new[] { new RecordingFollower(), new RecordingFollower() };
        var sessions = new List<(DictationSession Session, DictationStarted Started)>();
        foreach (var follower in followers)
        {
            sessions.Add(await harness.StartAsync(ActorHarness.Start(), follower, CancellationToken.None));
        }

        foreach (var (session, _) in sessions)
        {
            await ActorHarness.SendAsync(session, Spoken(), 16000);
        }

        await harness.Sessions.EndAllAsync(TimeSpan.FromSeconds(20), CancellationToken.None);
        await Poll.UntilAsync(() => harness.Sessions.ActiveCount == 0);
        foreach (var (session, started) in sessions)
        {
            Assert.True(session.Completion.IsCompletedSuccessfully);
            var record = await harness.RecordAsync(started.TranscriptionId);
            Assert.Equal(TranscriptionStatus.Failed, record.Status);
            Assert.Contains("diabetes", record.TranscriptText, StringComparison.Ordinal);
            Assert.True(Mp3Frames.Read(await harness.AudioAsync(record.AudioKey!)).Duration > 3.0);
        }
    }

    [Fact]
    public async Task Shutdown_ASessionThatCannotFinish_DoesNotHoldItPastTheTimeout()
    {
        var engine = new HungEngine(fixture.Engine);
        await using var harness = new ActorHarness(engine);
        var (session, started) = await harness.StartAsync(ActorHarness.Start(), new RecordingFollower(), CancellationToken.None);
        await ActorHarness.SendAsync(session, new short[16000], 16000);

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await harness.Sessions.EndAllAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.InRange(stopping.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));

        // What it saved stays; the next start marks the record FAILED with its audio.
        Assert.Equal(1, await harness.Records.FailAbandonedAsync(CancellationToken.None));
        Assert.NotNull((await harness.RecordAsync(started.TranscriptionId)).AudioKey);

        engine.Release(); // the decoder goes back to the shared engine
        await session.Completion.WaitAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>The real engine, except that completing a stream hangs (a hung decoder) until released.</summary>
    private sealed class HungEngine(ISpeechEngine inner) : ISpeechEngine
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _released.TrySetResult();

        public int SampleRate => inner.SampleRate;

        public SpeechEngineStatus GetStatus() => inner.GetStatus();

        public async Task<ISpeechStream> OpenStreamAsync(SpeechStreamOptions options, ISpeechResultSink sink, CancellationToken cancellationToken) =>
            new Stream(await inner.OpenStreamAsync(options, sink, cancellationToken), _released.Task);

        private sealed class Stream(ISpeechStream inner, Task released) : ISpeechStream
        {
            public double SecondsWritten => inner.SecondsWritten;

            public double SecondsDecoded => inner.SecondsDecoded;

            public void Write(ReadOnlySpan<short> samples, long arrivalTimestamp) => inner.Write(samples, arrivalTimestamp);

            public async Task CompleteAsync(CancellationToken cancellationToken)
            {
                await released.WaitAsync(cancellationToken);
                await inner.CompleteAsync(cancellationToken);
            }

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
