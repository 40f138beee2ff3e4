using Seva.Actors.Dictation;
using Seva.Actors.Storage;
using Seva.Actors.Tests.Support;

namespace Seva.Actors.Tests.Dictation;

/// <summary>Dictations with their audio in an S3 bucket (s3rver from scripts/test; skipped, with the reason,
/// where none was started): the MP3 streams there in parts, and a failing bucket costs the audio, never
/// the transcription.</summary>
[Collection(EngineCollection.Name)]
public sealed class S3DictationTests(EngineFixture fixture)
{
    /// <summary>About two seconds of the session's 64 kbit/s MP3, so a dictation of a few seconds is several parts.</summary>
    private const int PartSize = 16 * 1024;

    private static readonly short[] Spoken = [.. Flite.Speak("she has a history of diabetes and high blood pressure").Samples, .. new short[16000]];

    [SkippableFact]
    public async Task Dictation_KeepsItsMp3InTheBucket_UnderTheRecordsKey_WithTheDurationSent()
    {
        using var bucket = await S3TestBucket.CreateAsync();
        using var store = bucket.NewStore(PartSize, prefix: "dictations/");
        await using var harness = new ActorHarness(fixture.Engine, wrapAudio: _ => store);
        var follower = new RecordingFollower();
        var (session, started) = await harness.Sessions.StartAsync(ActorHarness.Start(), follower, CancellationToken.None);
        await ActorHarness.SendAsync(session, Spoken, 16000);
        var completed = await session.EndAsync(CancellationToken.None);

        var record = await harness.RecordAsync(started.TranscriptionId);
        Assert.Equal(TranscriptionStatus.Completed, record.Status);
        Assert.Null(record.ErrorCode);
        Assert.Contains("diabetes", record.TranscriptText, StringComparison.Ordinal);
        Assert.Matches($@"^dictations/user-1/\d{{8}}_\d{{6}}_{started.TranscriptionId}\.mp3$", record.AudioKey);
        Assert.Equal(record.AudioKey, completed.AudioKey);
        Assert.Equal([record.AudioKey!], await bucket.KeysAsync());

        var mp3 = (await bucket.ReadObjectAsync(record.AudioKey!))!;
        var sent = Spoken.Length / 16000.0;
        Assert.InRange(Mp3Frames.Read(mp3).Duration, sent, sent + 0.2); // LAME pads the last frame
        Assert.Equal(mp3, await harness.AudioAsync(record.AudioKey!)); // the store's read stream gives the same bytes
        Assert.True(bucket.Requests.Count(r => r is { Call: S3Call.UploadPart, Status: 200 }) >= 3, "streamed as parts");
        Assert.Equal(0, await bucket.OpenUploadsAsync());
    }

    [SkippableFact]
    public async Task PartsFailingAfterTheFirst_ReportS3UploadFailedOnce_AndTheRecordKeepsTheAudioUpToTheFailure()
    {
        using var bucket = await S3TestBucket.CreateAsync();
        bucket.FailWhen = r => r is { Call: S3Call.UploadPart, PartNumber: >= 2 };
        using var store = bucket.NewStore(PartSize);
        await using var harness = new ActorHarness(fixture.Engine, wrapAudio: _ => store);
        var follower = new RecordingFollower();
        var (session, started) = await harness.Sessions.StartAsync(ActorHarness.Start(), follower, CancellationToken.None);
        await ActorHarness.SendAsync(session, Spoken, 16000);
        var completed = await session.EndAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Single(follower.Errors, e => e.Code == DictationErrorCodes.S3UploadFailed);
        var record = await harness.RecordAsync(started.TranscriptionId);
        Assert.Equal(TranscriptionStatus.Completed, record.Status);
        Assert.Equal(DictationErrorCodes.S3UploadFailed, record.ErrorCode);
        Assert.Equal(string.Join(' ', follower.Finals.Select(f => f.Text)), record.TranscriptText);
        Assert.Contains("diabetes", record.TranscriptText, StringComparison.Ordinal);

        // The first part is kept as the recording's start, under the key the record names.
        Assert.NotNull(record.AudioKey);
        Assert.Equal(record.AudioKey, completed.AudioKey);
        var mp3 = (await bucket.ReadObjectAsync(record.AudioKey))!;
        Assert.Equal(PartSize, mp3.Length);
        Assert.InRange(Mp3Frames.Read(mp3).Duration, 1.8, 2.3);
        Assert.Equal(0, await bucket.OpenUploadsAsync());
    }

    [SkippableFact]
    public async Task UploadFailingFromTheStart_ReportsS3UploadFailedOnce_TheTranscriptionGoesOn_AndTheRecordNamesNoAudio()
    {
        using var bucket = await S3TestBucket.CreateAsync();
        bucket.FailWhen = r => r.Call is S3Call.UploadPart or S3Call.PutObject;
        using var store = bucket.NewStore(PartSize);
        await using var harness = new ActorHarness(fixture.Engine, wrapAudio: _ => store);
        var follower = new RecordingFollower();
        var (session, started) = await harness.Sessions.StartAsync(ActorHarness.Start(), follower, CancellationToken.None);
        Assert.NotNull((await harness.RecordAsync(started.TranscriptionId)).AudioKey); // named while the upload may still succeed
        await ActorHarness.SendAsync(session, Spoken, 16000);
        var completed = await session.EndAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Single(follower.Errors, e => e.Code == DictationErrorCodes.S3UploadFailed);
        Assert.Contains("diabetes", string.Join(' ', follower.Finals.Select(f => f.Text)), StringComparison.Ordinal);
        var record = await harness.RecordAsync(started.TranscriptionId);
        Assert.Equal(TranscriptionStatus.Completed, record.Status);
        Assert.Equal(DictationErrorCodes.S3UploadFailed, record.ErrorCode);
        Assert.Null(record.AudioKey);
        Assert.Null(completed.AudioKey);
        Assert.Empty(await bucket.KeysAsync());
    }
}
