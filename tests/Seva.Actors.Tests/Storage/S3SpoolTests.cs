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
        using var crashed = bucket.NewStore(PartSize);
        var writer = await crashed.CreateAsync(key, CancellationToken.None);
        var flushed = RandomBytes.Of((PartSize * 2) + 10_000);
        foreach (var chunk in flushed.Chunk(4096))
        {
            await writer.WriteAsync(chunk, CancellationToken.None);
            await writer.FlushAsync(CancellationToken.None);
        }

        await Poll.UntilAsync(() => bucket.Requests.Count(r => r is { Call: S3Call.UploadPart, Status: 200 }) == 2);
        await writer.WriteAsync(RandomBytes.Of(3000, seed: 2), CancellationToken.None); // not flushed: the crash loses it
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
        GC.KeepAlive(writer); // a finalized writer would flush its buffer, as a killed process cannot
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
    public async Task SpoolWhoseUploadFails_StaysWhole_AndIsStoredByTheNextTry()
    {
        using var bucket = await S3TestBucket.CreateAsync();
        var key = "audio/user-1/20250101_120000_later.mp3";
        using var crashed = bucket.NewStore(PartSize);
        var writer = await crashed.CreateAsync(key, CancellationToken.None);
        var flushed = RandomBytes.Of(5000);
        await writer.WriteAsync(flushed, CancellationToken.None);
        await writer.FlushAsync(CancellationToken.None);
        var spooled = bucket.SpoolFiles();
        Assert.Equal(2, spooled.Count); // the audio and its sidecar

        using var restarted = bucket.NewStore(PartSize);
        bucket.Fail(r => r.Call == S3Call.PutObject);
        var failed = await new S3SpoolRecovery(restarted, NullLogger.Instance).RecoverAsync(CancellationToken.None);

        Assert.Equal(0, failed.Recovered);
        Assert.Single(failed.Failed);
        Assert.Equal(3, bucket.Requests.Count(r => r.Call == S3Call.PutObject)); // tried, and retried twice
        Assert.Equal(spooled, bucket.SpoolFiles());
        Assert.Null(await bucket.ReadObjectAsync(key));

        bucket.Fail(_ => false); // the bucket is back
        var retried = await new S3SpoolRecovery(restarted, NullLogger.Instance).RecoverAsync(failed.Failed, CancellationToken.None);

        Assert.Equal(1, retried.Recovered);
        Assert.Equal(flushed, await bucket.ReadObjectAsync(key));
        Assert.Empty(bucket.SpoolFiles());
        GC.KeepAlive(writer);
    }

    [SkippableFact]
    public async Task StartUp_WhileTheBucketFails_KeepsTheSpool_AndTheServiceStoresItAtItsNextTry()
    {
        using var bucket = await S3TestBucket.CreateAsync();
        var key = "audio/user-1/20250101_120000_retried.mp3";
        using var crashed = bucket.NewStore(PartSize);
        var writer = await crashed.CreateAsync(key, CancellationToken.None);
        var flushed = RandomBytes.Of(7000);
        await writer.WriteAsync(flushed, CancellationToken.None);
        await writer.FlushAsync(CancellationToken.None);

        using var restarted = bucket.NewStore(PartSize);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var service = new S3SpoolRecoveryService(restarted, Options.Create(new StorageOptions()), time, NullLogger<S3SpoolRecoveryService>.Instance);
        bucket.Fail(r => r.Call == S3Call.PutObject);
        await service.StartAsync(CancellationToken.None);

        Assert.Null(await bucket.ReadObjectAsync(key));
        Assert.Equal(2, bucket.SpoolFiles().Count);

        bucket.Fail(_ => false);
        time.Advance(S3SpoolRecoveryService.RetryEvery);
        await Poll.UntilAsync(() => bucket.SpoolFiles().Count == 0);
        Assert.Equal(flushed, await bucket.ReadObjectAsync(key));
        await service.StopAsync(CancellationToken.None);
        GC.KeepAlive(writer);
    }

    [SkippableFact]
    public async Task SpoolWithoutAudio_IsDiscarded_WithoutStoringAnEmptyObject()
    {
        using var bucket = await S3TestBucket.CreateAsync();
        using var crashed = bucket.NewStore(PartSize);
        var writer = await crashed.CreateAsync("audio/user-1/20250101_120000_silent.mp3", CancellationToken.None);
        Assert.Equal(2, bucket.SpoolFiles().Count);

        using var restarted = bucket.NewStore(PartSize);
        var result = await new S3SpoolRecovery(restarted, NullLogger.Instance).RecoverAsync(CancellationToken.None);

        Assert.Equal(0, result.Recovered);
        Assert.Empty(result.Failed);
        Assert.Empty(bucket.SpoolFiles());
        Assert.Empty(await bucket.KeysAsync());
        GC.KeepAlive(writer);
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
}
