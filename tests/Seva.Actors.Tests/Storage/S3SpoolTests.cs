using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Seva.Actors.Storage;
using Seva.Actors.Storage.S3;
using Seva.Actors.Tests.Support;

namespace Seva.Actors.Tests.Storage;

/// <summary>An S3 recording's local spool: what a crash (kill -9) leaves of a writer is uploaded whole by the
/// next start, against the real S3-compatible server (s3rver from scripts/test; skipped, with the reason,
/// where none was started). A crash is a writer abandoned without disposal, and the restarted process a new
/// store on the same spool directory.</summary>
public sealed class S3SpoolTests
{
    private const int PartSize = 64 * 1024;

    [SkippableFact]
    public async Task WriterKilledMidRecording_RecoveryStoresEveryFlushedByte_UnderItsKey_AndAbortsItsOpenUpload()
    {
        using var bucket = await S3TestBucket.CreateAsync();
        var key = "audio/user-1/20250101_120000_killed.mp3";
        var flushed = RandomBytes.Of((PartSize * 2) + 10_000);
        using var killed = await KilledWhileWritingAsync(bucket, key, flushed);
        await Poll.UntilAsync(() => bucket.Requests.Count(r => r is { Call: S3Call.UploadPart, Status: 200 }) == 2);
        await killed.Writer.WriteAsync(RandomBytes.Of(3000, seed: 2), CancellationToken.None); // not flushed: the crash loses it
        Assert.Null(await bucket.ReadObjectAsync(key)); // two parts are up, but no object until the upload completes

        using var restarted = bucket.NewStore(PartSize);
        var result = await new S3SpoolRecovery(restarted, NullLogger.Instance).RecoverAsync(CancellationToken.None);

        Assert.Equal(1, result.Recovered);
        Assert.Empty(result.Failed);
        Assert.Equal(flushed, await bucket.ReadObjectAsync(key));
        Assert.Equal([key], await bucket.KeysAsync());
        var abort = Assert.Single(bucket.Requests, r => r.Call == S3Call.AbortUpload); // s3rver answers 405: tolerated
        Assert.Equal(Assert.Single(bucket.StartedUploads), abort.UploadId);
        Assert.Empty(bucket.SpoolFiles());
    }

    [SkippableFact]
    public async Task Recovery_WithNothingLeftByACrash_SendsNothing_AndChangesNothing()
    {
        using var bucket = await S3TestBucket.CreateAsync();
        using var store = bucket.NewStore(PartSize);
        var nothingYet = await new S3SpoolRecovery(store, NullLogger.Instance).RecoverAsync(CancellationToken.None);
        Assert.Equal(0, nothingYet.Recovered);
        Assert.Empty(nothingYet.Failed);
        Assert.Empty(bucket.Requests);

        var key = "audio/user-1/20250101_120000_finished.mp3";
        await using (var writer = await store.CreateAsync(key, CancellationToken.None))
        {
            await writer.WriteAsync(RandomBytes.Of(PartSize + 100), CancellationToken.None);
            await writer.CompleteAsync(CancellationToken.None);
        }

        Assert.Empty(bucket.SpoolFiles()); // a recording that ended took its spool with it
        var requests = bucket.Requests.Count;
        var afterwards = await new S3SpoolRecovery(store, NullLogger.Instance).RecoverAsync(CancellationToken.None);

        Assert.Equal(0, afterwards.Recovered);
        Assert.Empty(afterwards.Failed);
        Assert.Equal(requests, bucket.Requests.Count);
        Assert.Equal([key], await bucket.KeysAsync());
    }

    [SkippableFact]
    public async Task StartUp_WhileTheBucketFails_KeepsTheSpoolWhole_AndTheServiceStoresItAtItsNextTry()
    {
        using var bucket = await S3TestBucket.CreateAsync();
        var key = "audio/user-1/20250101_120000_retried.mp3";
        var flushed = RandomBytes.Of(7000);
        using var killed = await KilledWhileWritingAsync(bucket, key, flushed);
        var spooled = bucket.SpoolFiles();
        Assert.Equal(2, spooled.Count); // the audio and its sidecar

        using var restarted = bucket.NewStore(PartSize);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var service = new S3SpoolRecoveryService(restarted, Options.Create(new StorageOptions()), time, NullLogger<S3SpoolRecoveryService>.Instance);
        bucket.Fail(r => r.Call == S3Call.PutObject);
        await service.StartAsync(CancellationToken.None);

        Assert.Equal(3, bucket.Requests.Count(r => r.Call == S3Call.PutObject)); // tried, and retried twice
        Assert.Null(await bucket.ReadObjectAsync(key));
        Assert.Equal(spooled, bucket.SpoolFiles());

        bucket.Fail(_ => false); // the bucket is back
        time.Advance(S3SpoolRecoveryService.RetryEvery);
        await Poll.UntilAsync(() => bucket.SpoolFiles().Count == 0);
        Assert.Equal(flushed, await bucket.ReadObjectAsync(key));
        await service.StopAsync(CancellationToken.None);
    }

    [SkippableFact]
    public async Task SpoolWithoutAudio_IsDiscarded_WithoutStoringAnEmptyObject()
    {
        using var bucket = await S3TestBucket.CreateAsync();
        using var killed = await KilledWhileWritingAsync(bucket, "audio/user-1/20250101_120000_silent.mp3", []);
        Assert.Equal(2, bucket.SpoolFiles().Count);

        using var restarted = bucket.NewStore(PartSize);
        var result = await new S3SpoolRecovery(restarted, NullLogger.Instance).RecoverAsync(CancellationToken.None);

        Assert.Equal(0, result.Recovered);
        Assert.Empty(result.Failed);
        Assert.Empty(bucket.SpoolFiles());
        Assert.Empty(await bucket.KeysAsync());
    }

    [SkippableFact]
    public async Task SpoolDirectoryThatCannotBeMade_CostsOnlyTheLocalCopy_TheRecordingIsStillStored()
    {
        using var bucket = await S3TestBucket.CreateAsync();
        await File.WriteAllTextAsync(bucket.SpoolDirectory, "a file where the spool directory should be");
        try
        {
            using var store = bucket.NewStore(PartSize);
            var key = "audio/user-1/20250101_120000_unspooled.mp3";
            var data = RandomBytes.Of((PartSize * 2) + 500);
            await using (var writer = await store.CreateAsync(key, CancellationToken.None))
            {
                await writer.WriteAsync(data, CancellationToken.None);
                await writer.FlushAsync(CancellationToken.None);
                await writer.CompleteAsync(CancellationToken.None);
            }

            Assert.Equal(data, await bucket.ReadObjectAsync(key));
        }
        finally
        {
            File.Delete(bucket.SpoolDirectory);
        }
    }

    /// <summary>A process that wrote <paramref name="flushed"/> to a new recording, flushing as it went, and was
    /// then killed: its writer is never disposed.</summary>
    private static async Task<Killed> KilledWhileWritingAsync(S3TestBucket bucket, string key, byte[] flushed)
    {
        var store = bucket.NewStore(PartSize);
        var writer = await store.CreateAsync(key, CancellationToken.None);
        foreach (var chunk in flushed.Chunk(4096))
        {
            await writer.WriteAsync(chunk, CancellationToken.None);
            await writer.FlushAsync(CancellationToken.None);
        }

        return new Killed(store, writer);
    }

    /// <summary>Holds the killed process's writer for the test's length: a finalized one would flush its
    /// buffer, as a killed process cannot.</summary>
    private sealed record Killed(S3AudioStore Store, IAudioWriter Writer) : IDisposable
    {
        public void Dispose() => Store.Dispose();
    }
}
