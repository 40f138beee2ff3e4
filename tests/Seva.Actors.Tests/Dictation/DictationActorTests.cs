using Microsoft.Extensions.Time.Testing;
using Seva.Actors.Dictation;
using Seva.Actors.Speech;
using Seva.Actors.Storage;
using Seva.Actors.Tests.Support;

namespace Seva.Actors.Tests.Dictation;

[Collection(EngineCollection.Name)]
public sealed class DictationActorTests(EngineFixture fixture)
{
    private const string Sentence = "she has a history of diabetes and high blood pressure";

    private static short[] Spoken(int rate = 16000)
    {
        var wav = Flite.Speak(Sentence);
        short[] speech = [.. wav.Samples, .. new short[16000]];
        return Seva.Actors.Audio.Resampler.Convert(speech, 16000, rate);
    }

    [Theory]
    [InlineData("low", 8000)]
    [InlineData("medium", 16000)]
    [InlineData("high", 48000)]
    public async Task Session_OneSampleRateFromCaptureToRecordAndMp3(string quality, int rate)
    {
        await using var harness = new ActorHarness(fixture.Engine);
        var (session, started) = await harness.StartAsync(ActorHarness.Start(quality), new RecordingFollower(), CancellationToken.None);
        Assert.Equal(rate, started.SampleRate);
        Assert.Equal(TranscriptionStatus.InProgress, (await harness.RecordAsync(started.TranscriptionId)).Status);

        await ActorHarness.SendAsync(session, new short[rate], rate);
        var completed = await session.EndAsync(CancellationToken.None);

        var record = await harness.RecordAsync(started.TranscriptionId);
        Assert.Equal(TranscriptionStatus.Completed, record.Status);
        Assert.Equal(rate, record.SampleRate);
        Assert.Equal(1.0, record.AudioDurationSeconds, 3);
        var mp3 = Mp3Frames.Read(await harness.AudioAsync(completed.AudioKey!));
        Assert.Equal(rate, mp3.SampleRate);
        Assert.True(record.UpdatedAt >= record.CreatedAt);
    }

    [Fact]
    public async Task Final_IsSavedToTheRecordAsItComes_BeforeTheSessionEnds()
    {
        await using var harness = new ActorHarness(fixture.Engine);
        var follower = new RecordingFollower();
        var (session, started) = await harness.StartAsync(ActorHarness.Start(), follower, CancellationToken.None);
        await ActorHarness.SendAsync(session, Spoken(), 16000);

        await Poll.UntilAsync(() => follower.Finals.Count > 0);
        var record = await Poll.UntilAsync(async () => await harness.RecordAsync(started.TranscriptionId), r => r.TranscriptText.Length > 0);
        Assert.Equal(TranscriptionStatus.InProgress, record.Status);
        Assert.Contains("diabetes", record.TranscriptText, StringComparison.Ordinal);
        await session.EndAsync(CancellationToken.None);
    }

    [Fact]
    public async Task DatabaseFailsMidSession_DatabaseErrorIsRecoverable_AndTheFullTextIsSavedLater()
    {
        await using var harness = new ActorHarness(fixture.Engine);
        var follower = new RecordingFollower();
        var (session, started) = await harness.StartAsync(ActorHarness.Start(), follower, CancellationToken.None);
        harness.Sql("ALTER TABLE transcriptions RENAME TO transcriptions_away");

        await ActorHarness.SendAsync(session, Spoken(), 16000);
        await Poll.UntilAsync(() => follower.Errors.Any(e => e.Code == DictationErrorCodes.DatabaseError));
        Assert.True(follower.Errors.First(e => e.Code == DictationErrorCodes.DatabaseError).Recoverable);
        Assert.NotEmpty(follower.Finals); // transcription went on

        harness.Sql("ALTER TABLE transcriptions_away RENAME TO transcriptions");
        var completed = await session.EndAsync(CancellationToken.None);
        var record = await harness.RecordAsync(started.TranscriptionId);
        Assert.Equal(TranscriptionStatus.Completed, record.Status);
        Assert.Equal(string.Join(' ', follower.Finals.Select(f => f.Text)), record.TranscriptText);
        Assert.Equal(completed.WordCount, record.WordCount);
    }

    [Fact]
    public async Task AudioStoreFails_S3UploadFailed_TranscriptionGoesOn()
    {
        await using var harness = new ActorHarness(fixture.Engine, wrapAudio: inner => new FailingAudioStore(inner, failAfterBytes: 2000));
        var follower = new RecordingFollower();
        var (session, started) = await harness.StartAsync(ActorHarness.Start(), follower, CancellationToken.None);
        await ActorHarness.SendAsync(session, Spoken(), 16000);
        var completed = await session.EndAsync(CancellationToken.None);

        var error = Assert.Single(follower.Errors, e => e.Code == DictationErrorCodes.S3UploadFailed);
        Assert.True(error.Recoverable);
        Assert.Contains("diabetes", string.Join(' ', follower.Finals.Select(f => f.Text)), StringComparison.Ordinal);
        var record = await harness.RecordAsync(started.TranscriptionId);
        Assert.Equal(TranscriptionStatus.Completed, record.Status);
        Assert.Equal(DictationErrorCodes.S3UploadFailed, record.ErrorCode);
        Assert.Equal(completed.WordCount, record.WordCount);
    }

    [Fact]
    public async Task EngineFailsEveryStream_RecoversTwice_ThenTranscribeServiceError_RecordFailedKeepingTextAndAudio()
    {
        var engine = new FailingEngine(fixture.Engine, failAfterSeconds: 6.0);
        await using var harness = new ActorHarness(engine);
        var follower = new RecordingFollower();
        var (session, started) = await harness.StartAsync(ActorHarness.Start(), follower, CancellationToken.None);
        var audio = Spoken();
        await ActorHarness.SendAsync(session, audio, 16000);
        await Poll.UntilAsync(() => follower.Finals.Count > 0);
        // Every stream fails after 6 s (a fresh one gets 5 s replayed, so 1.25 s more); the third failure
        // ends the session, refusing the rest of the audio.
        await Assert.ThrowsAsync<DictationException>(() => ActorHarness.SendAsync(session, [.. audio, .. audio], 16000));
        var completed = await session.Completion.WaitAsync(TimeSpan.FromSeconds(20));

        var errors = follower.Errors.Where(e => e.Code == DictationErrorCodes.TranscribeServiceError).ToList();
        Assert.Equal([true, true, false], errors.Select(e => e.Recoverable));
        Assert.Equal(TranscriptionStatus.Failed, completed.Status);
        var record = await harness.RecordAsync(started.TranscriptionId);
        Assert.Equal(TranscriptionStatus.Failed, record.Status);
        Assert.Equal(DictationErrorCodes.TranscribeServiceError, record.ErrorCode);
        Assert.Contains("diabetes", record.TranscriptText, StringComparison.Ordinal);
        Assert.True(Mp3Frames.Read(await harness.AudioAsync(record.AudioKey!)).Duration > 4.0);
    }

    [Fact]
    public async Task NoAudioForTheIdleTimeout_SessionTimeout_Finalised()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = new ActorHarness(fixture.Engine, new DictationOptions { IdleTimeout = TimeSpan.FromMinutes(5) }, time);
        var follower = new RecordingFollower();
        var (session, started) = await harness.StartAsync(ActorHarness.Start(), follower, CancellationToken.None);
        await ActorHarness.SendAsync(session, new short[8000], 16000);

        time.Advance(TimeSpan.FromMinutes(4));
        harness.Sessions.TimeOutIdleSessions();
        Assert.False(session.Completion.IsCompleted);

        time.Advance(TimeSpan.FromMinutes(1));
        harness.Sessions.TimeOutIdleSessions();
        var completed = await session.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains(follower.Errors, e => e.Code == DictationErrorCodes.SessionTimeout);
        Assert.Equal(DictationErrorCodes.SessionTimeout, completed.ErrorCode);
        Assert.Equal(TranscriptionStatus.Completed, (await harness.RecordAsync(started.TranscriptionId)).Status);
        await Poll.UntilAsync(() => harness.Sessions.ActiveCount == 0);
    }

    [Fact]
    public async Task SessionsOverTheLimit_AreRefused_AndTheSlotFreesAtTheEnd()
    {
        await using var harness = new ActorHarness(fixture.Engine, new DictationOptions { MaxConcurrentSessions = 1, RetryAfterSeconds = 7 });
        var (first, _) = await harness.StartAsync(ActorHarness.Start(), new RecordingFollower(), CancellationToken.None);
        var refused = await Assert.ThrowsAsync<DictationException>(() => harness.StartAsync(ActorHarness.Start(), new RecordingFollower(), CancellationToken.None));
        Assert.Equal(DictationErrorCodes.SessionLimitExceeded, refused.Error.Code);
        Assert.Equal(7, refused.Error.RetryAfter);

        await first.EndAsync(CancellationToken.None);
        await Poll.UntilAsync(() => harness.Sessions.ActiveCount == 0);
        var (second, _) = await harness.StartAsync(ActorHarness.Start(), new RecordingFollower(), CancellationToken.None);
        await second.EndAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AudioAfterEnd_IsInvalidSessionState()
    {
        await using var harness = new ActorHarness(fixture.Engine);
        var (session, _) = await harness.StartAsync(ActorHarness.Start(), new RecordingFollower(), CancellationToken.None);
        await session.EndAsync(CancellationToken.None);
        var ex = await Assert.ThrowsAsync<DictationException>(() => session.AcceptAudioAsync(new byte[320], CancellationToken.None));
        Assert.Equal(DictationErrorCodes.InvalidSessionState, ex.Error.Code);
    }

    [Fact]
    public async Task UnknownCustomWordWithoutPronunciation_NamesTheVocabularyEntry_AndNoRecordIsLeftOpen()
    {
        await using var harness = new ActorHarness(fixture.Engine);
        var ex = await Assert.ThrowsAsync<DictationException>(() =>
            harness.StartAsync(ActorHarness.Start("medium", "heart", "zzqxv"), new RecordingFollower(), CancellationToken.None));
        Assert.StartsWith("vocabulary[1]:", ex.Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, harness.Sessions.ActiveCount);
        Assert.Equal(0, (await harness.Records.ListAsync("user-1", 1, 10, CancellationToken.None)).Total);
    }

    [Fact]
    public async Task RecordsLeftInProgressByACrash_BecomeFailedAtStartUp_KeepingTheirText()
    {
        await using var harness = new ActorHarness(fixture.Engine);
        var id = Guid.CreateVersion7();
        await harness.Records.CreateAsync(new TranscriptionRecord { Id = id, UserId = "user-1", SessionId = "s", Quality = "medium", Language = "en-US" }, CancellationToken.None);
        await harness.Records.SaveProgressAsync(id, new TranscriptProgress("kept words", 2, 3.5), CancellationToken.None);

        Assert.Equal(1, await harness.Records.FailAbandonedAsync(CancellationToken.None));
        var record = await harness.RecordAsync(id);
        Assert.Equal(TranscriptionStatus.Failed, record.Status);
        Assert.Equal("kept words", record.TranscriptText);
    }

    [Fact]
    public async Task EndingWithAudioStillQueued_FinalsGoOutAsTheyAreDecoded_NotAllWhenTheQueueIsDone()
    {
        await using var harness = new ActorHarness(fixture.Engine);
        await using (var warm = new ActorHarness(fixture.Engine))
        {
            var (first, _) = await warm.StartAsync(ActorHarness.Start(), new RecordingFollower(), CancellationToken.None);
            await first.EndAsync(CancellationToken.None); // a decoder is loaded now
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var finals = new System.Collections.Concurrent.ConcurrentQueue<long>();
        var follower = new TimedFollower(() => finals.Enqueue(clock.ElapsedTicks));
        var (session, _) = await harness.StartAsync(ActorHarness.Start(), follower, CancellationToken.None);
        short[] sixSentences = [.. Enumerable.Repeat(Spoken(), 6).SelectMany(s => s)];
        await ActorHarness.SendAsync(session, sixSentences, 16000); // handed over far faster than it is decoded

        var endStarted = clock.ElapsedTicks;
        await session.EndAsync(CancellationToken.None);
        var endDone = clock.ElapsedTicks;

        var duringEnd = finals.Where(t => t >= endStarted).Select(t => (t - endStarted) / (double)(endDone - endStarted)).ToList();
        Assert.True(duringEnd.Count >= 2, $"{duringEnd.Count} of {finals.Count} finals came while the session ended; the audio was handed over too slowly for this test");
        Assert.True(duringEnd.Min() < 0.7, $"the finals decoded while the session ended came at {string.Join(", ", duringEnd.Select(d => d.ToString("P0", System.Globalization.CultureInfo.InvariantCulture)))} of its time: all at once at the end");
    }

    private sealed class TimedFollower(Action onFinal) : IDictationFollower
    {
        public void OnResult(DictationResult result)
        {
            if (!result.IsPartial)
            {
                onFinal();
            }
        }

        public void OnRetracted(IReadOnlyList<string> segmentIds)
        {
        }

        public void OnError(DictationError error)
        {
        }

        public void OnCompleted(DictationCompleted completed)
        {
        }
    }

    /// <summary>The real engine, made to fail after some audio, as a crashed engine would.</summary>
    private sealed class FailingEngine(ISpeechEngine inner, double failAfterSeconds) : ISpeechEngine
    {
        public int SampleRate => inner.SampleRate;

        public SpeechEngineStatus GetStatus() => inner.GetStatus();

        public async Task<ISpeechStream> OpenStreamAsync(SpeechStreamOptions options, ISpeechResultSink sink, CancellationToken cancellationToken) =>
            new Stream(await inner.OpenStreamAsync(options, sink, cancellationToken), sink, failAfterSeconds);

        private sealed class Stream(ISpeechStream inner, ISpeechResultSink sink, double failAfterSeconds) : ISpeechStream
        {
            private bool _failed;

            public double SecondsWritten => inner.SecondsWritten;

            public double SecondsDecoded => inner.SecondsDecoded;

            public void Write(ReadOnlySpan<short> samples, long arrivalTimestamp)
            {
                if (_failed)
                {
                    throw new SpeechEngineException("engine is down");
                }

                inner.Write(samples, arrivalTimestamp);
                if (inner.SecondsWritten > failAfterSeconds)
                {
                    _failed = true;
                    sink.OnError(new SpeechEngineException("engine crashed"));
                }
            }

            public Task CompleteAsync(CancellationToken cancellationToken) =>
                _failed ? Task.FromException(new SpeechEngineException("engine is down")) : inner.CompleteAsync(cancellationToken);

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
