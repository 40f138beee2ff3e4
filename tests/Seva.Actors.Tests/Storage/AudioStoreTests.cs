using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Seva.Actors.Storage;
using Seva.Actors.Storage.Files;
using Seva.Actors.Storage.S3;
using Seva.Actors.Tests.Support;

namespace Seva.Actors.Tests.Storage;

/// <summary>Every audio store keeps what a session writes and reads it back for range requests; the S3
/// cases run against a real S3-compatible server (s3rver from scripts/test), each in a bucket of its own,
/// and are skipped, with the reason, where none was started.</summary>
public sealed class AudioStoreTests
{
    /// <summary>Small parts, so a test writes several (s3rver, unlike S3, takes parts under 5 MiB).</summary>
    private const int PartSize = 64 * 1024;

    public static TheoryData<string> Providers => new() { AudioStoreProviders.File, AudioStoreProviders.S3 };

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task WriteFlushComplete_ReadsBackEveryByte(string provider)
    {
        await using var target = await Target.CreateAsync(provider);
        var data = RandomBytes.Of(10_000);
        var key = target.Store.KeyPrefix + "user-1/20250101_120000_round-trip.mp3";
        await using (var writer = await target.Store.CreateAsync(key, CancellationToken.None))
        {
            foreach (var chunk in data.Chunk(1000))
            {
                await writer.WriteAsync(chunk, CancellationToken.None);
                await writer.FlushAsync(CancellationToken.None);
            }

            await writer.CompleteAsync(CancellationToken.None);
            Assert.True(writer.Exists);
            Assert.Equal(key, writer.Key);
        }

        Assert.Equal(data, await target.ReadAsync(key));
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task RecordingOfSeveralParts_IsUploadedPartByPartAsItIsWritten_AndReadsBackWhole(string provider)
    {
        await using var target = await Target.CreateAsync(provider);
        var data = RandomBytes.Of((PartSize * 5) + (PartSize / 2));
        var key = target.Store.KeyPrefix + "user-1/20250101_120000_parts.mp3";
        await using (var writer = await target.Store.CreateAsync(key, CancellationToken.None))
        {
            await WriteAsync(writer, data);
            if (target.Bucket is { } bucket)
            {
                // Four parts are up (the fifth may still be on its way) before the recording completes.
                await Poll.UntilAsync(() => UploadedParts(bucket) >= 4);
                Assert.DoesNotContain(bucket.Requests, r => r.Call is S3Call.CompleteUpload or S3Call.PutObject);
            }

            await writer.CompleteAsync(CancellationToken.None);
        }

        Assert.Equal(data, await target.ReadAsync(key));
        if (target.Bucket is { } s3)
        {
            Assert.Equal(6, UploadedParts(s3)); // five full parts and the rest as the last
            Assert.Equal(0, await s3.OpenUploadsAsync());
            Assert.Empty(s3.SpoolFiles()); // the local copy went with the completed upload

            // Plain bodies without flexible checksums, which S3-compatible servers take, old ones included.
            Assert.DoesNotContain(s3.Requests, r => r.ChunkedOrChecksummed);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task ReadStream_SeeksAndReadsAnyRange_WithoutFetchingTheWholeObject(string provider)
    {
        await using var target = await Target.CreateAsync(provider);
        var data = RandomBytes.Of(700_000);
        var key = target.Store.KeyPrefix + "user-1/20250101_120000_ranges.mp3";
        await using (var writer = await target.Store.CreateAsync(key, CancellationToken.None))
        {
            await WriteAsync(writer, data);
            await writer.CompleteAsync(CancellationToken.None);
        }

        var readsBefore = target.Bucket?.Requests.Count(r => r.Call == S3Call.GetObject) ?? 0;
        await using (var stream = (await target.Store.OpenReadAsync(key, CancellationToken.None))!)
        {
            Assert.True(stream.CanSeek);
            Assert.True(stream.CanRead);
            Assert.False(stream.CanWrite);
            Assert.Equal(data.Length, stream.Length);
            foreach (var (at, count) in new[] { (100, 100), (600_000, 5000), (262_000, 1000), (0, 10), (data.Length - 50, 50) })
            {
                stream.Position = at;
                var read = new byte[count];
                Assert.Equal(count, await stream.ReadAtLeastAsync(read, count, throwOnEndOfStream: false));
                Assert.Equal(data.AsSpan(at, count).ToArray(), read);
                Assert.Equal(at + count, stream.Position);
            }

            Assert.Equal(data.Length - 10, stream.Seek(-10, SeekOrigin.End));
            var tail = new byte[64];
            Assert.Equal(10, await stream.ReadAtLeastAsync(tail, 64, throwOnEndOfStream: false));
            Assert.Equal(data[^10..], tail[..10]);
            Assert.Equal(0, await stream.ReadAsync(tail));
        }

        if (target.Bucket is { } bucket)
        {
            // Each range came with its own GET of at most the read-ahead; the object was never fetched whole.
            var gets = bucket.Requests.Where(r => r.Call == S3Call.GetObject).Skip(readsBefore).ToList();
            Assert.InRange(gets.Count, 4, 6);
            Assert.All(gets, g => Assert.InRange(RangeLength(g.Range!), 1, S3ReadStream.ReadAheadBytes));
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task AStoredRecording_IsContinuedAtItsEnd_AndReadsBackAsOne(string provider)
    {
        await using var target = await Target.CreateAsync(provider);
        var first = RandomBytes.Of(PartSize + 5_000); // more than a part: the continuation starts past one
        var second = RandomBytes.Of(3_000);
        var key = target.Store.KeyPrefix + "user-1/20250101_120000_moved.mp3";
        await using (var writer = await target.Store.CreateAsync(key, CancellationToken.None))
        {
            await writer.WriteAsync(first, CancellationToken.None);
            await writer.CompleteAsync(CancellationToken.None);
        }

        await using (var writer = (await target.Store.ContinueAsync(key, afterCrash: false, CancellationToken.None))!)
        {
            await writer.WriteAsync(second, CancellationToken.None);
            await writer.CompleteAsync(CancellationToken.None);
            Assert.Equal(key, writer.Key);
        }

        var whole = await target.ReadAsync(key);
        Assert.Equal(first.Concat(second).ToArray(), whole);
        Assert.Equal(0, await target.OpenUploadsAsync());
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task ARecordingNeverStored_CannotBeContinued(string provider)
    {
        await using var target = await Target.CreateAsync(provider);
        Assert.Null(await target.Store.ContinueAsync(target.Store.KeyPrefix + "user-1/20250101_120000_never.mp3", afterCrash: false, CancellationToken.None));
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task OpenRead_MissingKey_IsNull(string provider)
    {
        await using var target = await Target.CreateAsync(provider);
        Assert.Null(await target.Store.OpenReadAsync(target.Store.KeyPrefix + "nobody/20250101_120000_missing.mp3", CancellationToken.None));
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Delete_RemovesTheObject_AndDeletingWhatIsAbsentIsNoError(string provider)
    {
        await using var target = await Target.CreateAsync(provider);
        var key = target.Store.KeyPrefix + "user-1/20250101_120000_delete.mp3";
        await using (var writer = await target.Store.CreateAsync(key, CancellationToken.None))
        {
            await writer.WriteAsync(RandomBytes.Of(3000), CancellationToken.None);
            await writer.CompleteAsync(CancellationToken.None);
        }

        await target.Store.DeleteAsync(key, CancellationToken.None);
        Assert.Null(await target.Store.OpenReadAsync(key, CancellationToken.None));
        await target.Store.DeleteAsync(key, CancellationToken.None);
        await target.Store.DeleteAsync(target.Store.KeyPrefix + "nobody/20250101_120000_never.mp3", CancellationToken.None);
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task DisposedWithoutComplete_KeepsEverythingWritten_AndLeavesNoUploadOpen(string provider)
    {
        await using var target = await Target.CreateAsync(provider);
        var recordings = new Dictionary<string, byte[]>
        {
            [target.Store.KeyPrefix + "user-1/20250101_120000_long.mp3"] = RandomBytes.Of((PartSize * 2) + 1234), // a multipart upload
            [target.Store.KeyPrefix + "user-1/20250101_120000_short.mp3"] = RandomBytes.Of(1000), // less than a part
        };
        foreach (var (key, data) in recordings)
        {
            var writer = await target.Store.CreateAsync(key, CancellationToken.None);
            await WriteAsync(writer, data);
            await writer.DisposeAsync();
            Assert.True(writer.Exists);
        }

        foreach (var (key, data) in recordings)
        {
            Assert.Equal(data, await target.ReadAsync(key));
        }

        Assert.Equal(0, await target.OpenUploadsAsync());
        Assert.Empty(target.Bucket?.SpoolFiles() ?? []);
    }

    // The fault cases are S3's alone: a file has no parts to retry (disk faults are StorageFaultTests' part).
    [SkippableFact]
    public async Task PartFailingTwice_IsRetried_AndTheWriterNeverNotices()
    {
        await using var target = await Target.CreateAsync(AudioStoreProviders.S3);
        var bucket = target.Bucket!;
        bucket.Fail(r => r is { Call: S3Call.UploadPart, PartNumber: 2 }, times: 2);
        var data = RandomBytes.Of((PartSize * 3) + 100);
        var key = target.Store.KeyPrefix + "user-1/20250101_120000_retried.mp3";
        await using (var writer = await target.Store.CreateAsync(key, CancellationToken.None))
        {
            await WriteAsync(writer, data);
            await writer.CompleteAsync(CancellationToken.None);
        }

        Assert.Equal(data, await target.ReadAsync(key));
        Assert.Equal([true, true, false], [.. bucket.Requests.Where(r => r is { Call: S3Call.UploadPart, PartNumber: 2 }).Select(r => r.Failed)]);
        Assert.Equal(0, await bucket.OpenUploadsAsync());
    }

    [SkippableFact]
    public async Task AContinuationWhoseUploadFails_NeverReplacesTheStoredRecordingWithLess()
    {
        await using var target = await Target.CreateAsync(AudioStoreProviders.S3);
        var bucket = target.Bucket!;
        var stored = RandomBytes.Of((PartSize * 2) + 100);
        var key = target.Store.KeyPrefix + "user-1/20250101_120000_kept.mp3";
        await using (var writer = await target.Store.CreateAsync(key, CancellationToken.None))
        {
            await writer.WriteAsync(stored, CancellationToken.None);
            await writer.CompleteAsync(CancellationToken.None);
        }

        bucket.Fail(r => r is { Call: S3Call.UploadPart, PartNumber: 2 }); // the copy's second part never goes up
        var continued = (await target.Store.ContinueAsync(key, afterCrash: false, CancellationToken.None))!;
        Assert.True(continued.Exists); // the stored object is there all along
        await Assert.ThrowsAsync<AudioStoreException>(async () =>
        {
            await continued.WriteAsync(RandomBytes.Of(PartSize), CancellationToken.None);
            await continued.CompleteAsync(CancellationToken.None);
        });
        await continued.DisposeAsync();

        Assert.Equal(stored, await target.ReadAsync(key));

        // s3rver implements no AbortMultipartUpload: what can be checked is that the continuation's upload
        // was aborted, not completed.
        var continuation = bucket.StartedUploads[^1];
        Assert.Contains(bucket.Requests, r => r.Call == S3Call.AbortUpload && r.UploadId == continuation);
        Assert.DoesNotContain(bucket.Requests, r => r.Call == S3Call.CompleteUpload && r.UploadId == continuation);
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task AfterACrash_AFileIsContinued_ButAnS3ObjectIsNot_ForTheCrashedHostsSpoolMayStillReplaceIt(string provider)
    {
        await using var target = await Target.CreateAsync(provider);
        var key = target.Store.KeyPrefix + "user-1/20250101_120000_crashed.mp3";
        await using (var writer = await target.Store.CreateAsync(key, CancellationToken.None))
        {
            await writer.WriteAsync(RandomBytes.Of(1_000), CancellationToken.None);
            await writer.CompleteAsync(CancellationToken.None);
        }

        var continued = await target.Store.ContinueAsync(key, afterCrash: true, CancellationToken.None);

        Assert.Equal(provider == AudioStoreProviders.File, continued is not null);
        if (continued is not null)
        {
            await continued.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task PartFailingThreeTimes_IsAnAudioStoreException_AndDisposalStillKeepsEveryByteWritten()
    {
        await using var target = await Target.CreateAsync(AudioStoreProviders.S3);
        var bucket = target.Bucket!;
        bucket.Fail(r => r is { Call: S3Call.UploadPart, PartNumber: 2 }, times: 3);
        var key = target.Store.KeyPrefix + "user-1/20250101_120000_failed.mp3";
        var writer = await target.Store.CreateAsync(key, CancellationToken.None);
        var written = await WriteUntilRefusedAsync(writer);

        // The first attempt and both retries failed; the server was not asked again before the writer was closed.
        Assert.Equal(3, bucket.Requests.Count(r => r is { Call: S3Call.UploadPart, PartNumber: 2 }));
        Assert.All(bucket.Requests.Where(r => r is { Call: S3Call.UploadPart, PartNumber: 2 }), r => Assert.True(r.Failed));

        // Closing it tries the failed part once more (the server is back) and keeps the audio without a gap.
        await writer.DisposeAsync();
        Assert.True(writer.Exists);
        Assert.Equal(written, await target.ReadAsync(key));
        Assert.Equal(0, await bucket.OpenUploadsAsync());
    }

    [SkippableFact]
    public async Task UploadFailingForGood_IsAnAudioStoreException_NothingIsKept_AndTheUploadIsAborted()
    {
        await using var target = await Target.CreateAsync(AudioStoreProviders.S3);
        var bucket = target.Bucket!;
        bucket.Fail(r => r.Call == S3Call.UploadPart);
        var key = target.Store.KeyPrefix + "user-1/20250101_120000_lost.mp3";
        var writer = await target.Store.CreateAsync(key, CancellationToken.None);
        await WriteUntilRefusedAsync(writer);
        await writer.DisposeAsync();

        Assert.False(writer.Exists);
        Assert.Null(await target.ReadAsync(key));
        Assert.Single(bucket.Requests, r => r.Call == S3Call.StartUpload);
        Assert.Equal(6, bucket.Requests.Count(r => r.Call == S3Call.UploadPart)); // three attempts, three more on closing

        // s3rver 3.7 implements neither AbortMultipartUpload nor ListMultipartUploads, so what can be checked
        // here is that the abort was asked for the upload that was started.
        var abort = Assert.Single(bucket.Requests, r => r.Call == S3Call.AbortUpload);
        Assert.Equal(Assert.Single(bucket.StartedUploads), abort.UploadId);
        Assert.Empty(bucket.SpoolFiles()); // an ending that aborts the upload takes the spool with it
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task HealthCheck_WritableStore_IsHealthy_AndLeavesNoProbeBehind(string provider)
    {
        await using var target = await Target.CreateAsync(provider);
        var result = await new AudioStoreHealthCheck(target.Store).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Empty(await target.KeysAsync());
    }

    [SkippableFact]
    public async Task HealthCheck_MissingBucket_IsUnhealthy_NamingTheBucketAndTheSetting()
    {
        using var bucket = await S3TestBucket.CreateAsync();
        using var store = bucket.NewStore(PartSize, bucketName: "seva-no-such-bucket");
        var result = await new AudioStoreHealthCheck(store).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("'seva-no-such-bucket' does not exist", result.Description, StringComparison.Ordinal);
        Assert.Contains("Seva:AudioStore:S3:BucketName", result.Description, StringComparison.Ordinal);
    }


    /// <summary>Writes in 4 KB chunks, flushing every 8, as a session writes MP3 and flushes it every 0.5 s.</summary>
    private static async Task WriteAsync(IAudioWriter writer, byte[] data)
    {
        var n = 0;
        foreach (var chunk in data.Chunk(4096))
        {
            await writer.WriteAsync(chunk, CancellationToken.None);
            if (++n % 8 == 0)
            {
                await writer.FlushAsync(CancellationToken.None);
            }
        }
    }

    /// <summary>Writes and flushes until the writer reports a failed part; returns what it took.</summary>
    private static async Task<byte[]> WriteUntilRefusedAsync(IAudioWriter writer)
    {
        var written = new List<byte>();
        while (written.Count < PartSize * 10)
        {
            var chunk = RandomBytes.Of(4096, seed: written.Count);
            try
            {
                await writer.WriteAsync(chunk, CancellationToken.None);
                written.AddRange(chunk);
                await writer.FlushAsync(CancellationToken.None);
            }
            catch (AudioStoreException)
            {
                return [.. written];
            }
        }

        // A full part waits for the one before it, so a failure is reported within the next part.
        throw new Xunit.Sdk.XunitException("The failed part was never reported.");
    }

    private static int UploadedParts(S3TestBucket bucket) =>
        bucket.Requests.Count(r => r is { Call: S3Call.UploadPart, Status: 200 });

    private static long RangeLength(string range)
    {
        var bounds = range["bytes=".Length..].Split('-');
        return long.Parse(bounds[1], System.Globalization.CultureInfo.InvariantCulture) - long.Parse(bounds[0], System.Globalization.CultureInfo.InvariantCulture) + 1;
    }

    /// <summary>One provider's store on a place of its own: a temporary data directory, or a new bucket.</summary>
    private sealed class Target : IAsyncDisposable
    {
        private readonly string? _directory;

        private Target(IAudioStore store, S3TestBucket? bucket, string? directory)
        {
            Store = store;
            Bucket = bucket;
            _directory = directory;
        }

        public IAudioStore Store { get; }

        public S3TestBucket? Bucket { get; }

        public static async Task<Target> CreateAsync(string provider)
        {
            if (provider == AudioStoreProviders.S3)
            {
                var bucket = await S3TestBucket.CreateAsync();
                return new Target(bucket.NewStore(PartSize), bucket, null);
            }

            var directory = Directory.CreateTempSubdirectory("seva-audio-").FullName;
            return new Target(new FileAudioStore(Options.Create(new StorageOptions { DataDirectory = directory })), null, directory);
        }

        public async Task<byte[]?> ReadAsync(string key)
        {
            await using var stream = await Store.OpenReadAsync(key, CancellationToken.None);
            if (stream is null)
            {
                return null;
            }

            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            return copy.ToArray();
        }

        public Task<int> OpenUploadsAsync() => Bucket?.OpenUploadsAsync() ?? Task.FromResult(0);

        /// <summary>Every object stored (files under the data directory, relative to it).</summary>
        public async Task<IReadOnlyList<string>> KeysAsync() => Bucket is not null
            ? await Bucket.KeysAsync()
            : [.. Directory.EnumerateFiles(_directory!, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(_directory!, f))];

        public ValueTask DisposeAsync()
        {
            (Store as IDisposable)?.Dispose();
            Bucket?.Dispose();
            if (_directory is not null)
            {
                Directory.Delete(_directory, recursive: true);
            }

            return ValueTask.CompletedTask;
        }
    }
}
