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
        var (follower, completed, keyAtStart, record, readBack) = await DictateAsync(bucket, prefix: "dictations/");

        Assert.Equal(TranscriptionStatus.Completed, record.Status);
        Assert.Null(record.ErrorCode);
        Assert.Empty(follower.Errors);
        Assert.Contains("diabetes", record.TranscriptText, StringComparison.Ordinal);
        Assert.Matches($@"^dictations/user-1/\d{{8}}_\d{{6}}_{completed.TranscriptionId}\.mp3$", record.AudioKey);
        Assert.Equal(keyAtStart, record.AudioKey);
        Assert.Equal(record.AudioKey, completed.AudioKey);
        Assert.Equal([record.AudioKey!], await bucket.KeysAsync());

        var mp3 = (await bucket.ReadObjectAsync(record.AudioKey!))!;
        var sent = Spoken.Length / 16000.0;
        Assert.InRange(Mp3Frames.Read(mp3).Duration, sent, sent + 0.2); // LAME pads the last frame
        Assert.Equal(mp3, readBack); // the store's read stream gives the same bytes
        Assert.True(bucket.Requests.Count(r => r is { Call: S3Call.UploadPart, Status: 200 }) >= 3, "streamed as parts");
        Assert.Equal(0, await bucket.OpenUploadsAsync());
    }

    [SkippableFact]
    public async Task PartsFailingAfterTheFirst_ReportS3UploadFailedOnce_AndTheRecordKeepsTheAudioUpToTheFailure()
    {
        using var bucket = await S3TestBucket.CreateAsync();
        bucket.Fail(r => r is { Call: S3Call.UploadPart, PartNumber: >= 2 });
        var (follower, completed, _, record, _) = await DictateAsync(bucket);

        Assert.Single(follower.Errors, e => e.Code == DictationErrorCodes.S3UploadFailed);
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
        bucket.Fail(r => r.Call is S3Call.UploadPart or S3Call.PutObject);
        var (follower, completed, keyAtStart, record, _) = await DictateAsync(bucket);

        Assert.Single(follower.Errors, e => e.Code == DictationErrorCodes.S3UploadFailed);
        Assert.Contains("diabetes", string.Join(' ', follower.Finals.Select(f => f.Text)), StringComparison.Ordinal);
        Assert.Equal(TranscriptionStatus.Completed, record.Status);
        Assert.Equal(DictationErrorCodes.S3UploadFailed, record.ErrorCode);
        Assert.NotNull(keyAtStart); // named while the upload could still succeed
        Assert.Null(record.AudioKey);
        Assert.Null(completed.AudioKey);
        Assert.Empty(await bucket.KeysAsync());
    }

    /// <summary>One dictation of <see cref="Spoken"/> with its audio in the bucket: what the follower saw, the
    /// record's audio key at the start, the record at the end, and the audio as the store reads it back.</summary>
    private async Task<Dictated> DictateAsync(S3TestBucket bucket, string prefix = AudioKey.DefaultPrefix)
    {
        using var store = bucket.NewStore(PartSize, prefix);
        await using var harness = new ActorHarness(fixture.Engine, wrapAudio: _ => store);
        var follower = new RecordingFollower();
        var (session, started) = await harness.StartAsync(ActorHarness.Start(), follower, CancellationToken.None);
        var keyAtStart = (await harness.RecordAsync(started.TranscriptionId)).AudioKey;
        await ActorHarness.SendAsync(session, Spoken, 16000);
        var completed = await session.EndAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        var record = await harness.RecordAsync(started.TranscriptionId);
        var readBack = record.AudioKey is null ? null : await harness.AudioAsync(record.AudioKey);
        return new Dictated(follower, completed, keyAtStart, record, readBack);
    }

    private sealed record Dictated(RecordingFollower Follower, DictationCompleted Completed, string? KeyAtStart, TranscriptionRecord Record, byte[]? ReadBack);
}
