using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Seva.Actors.Storage.S3;

/// <summary>Keeps recordings in an S3 (or S3-compatible) bucket: written as multipart uploads while the
/// session runs (<see cref="S3AudioWriter"/>), with a local spool a crash leaves for the next start to upload
/// (<see cref="S3Spool"/>), read back with ranged GETs (<see cref="S3ReadStream"/>). Thread-safe; each writer
/// and read stream is for one caller at a time. Owns its client.</summary>
public sealed class S3AudioStore : IAudioStore, IDisposable
{
    private readonly IAmazonS3 _client;
    private readonly S3AudioStoreOptions _options;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _retry;

    /// <param name="spoolDirectory">Where writers keep their local copy (<c>{DataDirectory}/spool</c>).</param>
    public S3AudioStore(IAmazonS3 client, S3AudioStoreOptions options, string spoolDirectory, TimeProvider time, ILogger<S3AudioStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.BucketName);
        ArgumentException.ThrowIfNullOrWhiteSpace(spoolDirectory);
        _client = client;
        _options = options;
        Spool = new S3Spool(spoolDirectory);
        _logger = logger;
        _retry = Retry(time, logger);
    }

    public string Bucket => _options.BucketName!;

    public string KeyPrefix => _options.Prefix;

    internal S3Spool Spool { get; }

    /// <summary>The client settings for <paramref name="options"/>; credentials come from the SDK's chain.</summary>
    public static AmazonS3Config ClientConfig(S3AudioStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,

            // SDK v4 (like v3 since 3.7.400) adds a CRC32 checksum to every upload (x-amz-checksum-crc32 and
            // x-amz-sdk-checksum-algorithm headers, or a trailer of an aws-chunked body) and validates the
            // checksums downloads carry. S3-compatible servers that predate these (older MinIO and Ceph,
            // several hosted ones) reject the unknown headers. WHEN_REQUIRED sends checksums only where an
            // operation demands one (none of the calls made here); the SigV4 signature's SHA-256 of each body
            // (see PutAsync) and TLS still protect the audio in transit.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,

            // Retries are ours (each call twice, with backoff): the SDK's own on top would multiply them.
            MaxErrorRetry = 0,
        };
        if (!string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = string.IsNullOrWhiteSpace(options.Region) ? "us-east-1" : options.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        return config;
    }

    public Task<IAudioWriter> CreateAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);

        // Nothing is sent yet: a recording shorter than a part is one PUT when it completes, and a multipart
        // upload starts only with the first full part, so a short session never leaves an upload to clean up.
        return Task.FromResult<IAudioWriter>(new S3AudioWriter(this, key, _options.PartSizeBytes, Spool.Start(key, _logger), _logger));
    }

    /// <summary>An object cannot be appended to in S3: a new upload of the same key starts with the stored
    /// object's bytes (read back in ranges, written through the spool as any recording is) and replaces it
    /// when it completes; an upload that could keep less than the stored object is aborted instead (see
    /// <see cref="S3AudioWriter"/>). After a crash nothing is continued: the crashed host's spool may still
    /// complete its own upload of this key when it starts again, which would replace the continuation.</summary>
    public async Task<IAudioWriter?> ContinueAsync(string key, bool afterCrash, CancellationToken cancellationToken)
    {
        if (afterCrash)
        {
            return null;
        }

        await using var stored = await OpenReadAsync(key, cancellationToken);
        if (stored is null)
        {
            return null;
        }

        var writer = new S3AudioWriter(this, key, _options.PartSizeBytes, Spool.Start(key, _logger), _logger, continues: stored.Length);
        try
        {
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await stored.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            await writer.FlushAsync(cancellationToken);
            return writer;
        }
        catch
        {
            await writer.DisposeAsync(); // aborts: the stored object stays as it was
            throw;
        }
    }

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var head = await CallAsync("read", key, token => _client.GetObjectMetadataAsync(Bucket, key, token), cancellationToken);
            return new S3ReadStream(this, key, head.ContentLength, head.ETag);
        }
        catch (AudioStoreException ex) when (ex.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.NotFound })
        {
            return null;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        await CallAsync("delete", key, token => _client.DeleteObjectAsync(Bucket, key, token), cancellationToken);

    public void Dispose() => _client.Dispose();

    internal Task<string> StartUploadAsync(string key, CancellationToken cancellationToken) =>
        CallAsync("start the upload of", key, async token =>
            (await _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = Bucket, Key = key, ContentType = "audio/mpeg" }, token)).UploadId,
            cancellationToken);

    internal Task<PartETag> UploadPartAsync(string key, string uploadId, int number, byte[] part, int length, CancellationToken cancellationToken) =>
        CallAsync($"upload part {number} of", key, async token =>
        {
            var response = await _client.UploadPartAsync(
                new UploadPartRequest
                {
                    BucketName = Bucket,
                    Key = key,
                    UploadId = uploadId,
                    PartNumber = number,
                    PartSize = length,
                    InputStream = new MemoryStream(part, 0, length, writable: false), // new for each attempt
                    UseChunkEncoding = false, // see PutAsync
                },
                token);
            return new PartETag(number, response.ETag);
        },
        cancellationToken);

    internal Task CompleteUploadAsync(string key, string uploadId, IReadOnlyList<PartETag> parts, CancellationToken cancellationToken) =>
        CallAsync("complete the upload of", key, token => _client.CompleteMultipartUploadAsync(
            new CompleteMultipartUploadRequest { BucketName = Bucket, Key = key, UploadId = uploadId, PartETags = [.. parts] }, token), cancellationToken);

    internal Task AbortUploadAsync(string key, string uploadId, CancellationToken cancellationToken) =>
        CallAsync("abort the upload of", key, token => _client.AbortMultipartUploadAsync(Bucket, key, uploadId, token), cancellationToken);

    internal Task PutAsync(string key, byte[] data, int length, CancellationToken cancellationToken) =>
        PutBodyAsync(key, () => new MemoryStream(data, 0, length, writable: false), cancellationToken);

    /// <summary>Stores <paramref name="body"/> whole, from its start (again at each attempt), as one PUT (up to
    /// S3's 5 GiB, some 180 hours of 64 kbit/s MP3); the stream stays open.</summary>
    internal Task PutAsync(string key, Stream body, CancellationToken cancellationToken) =>
        PutBodyAsync(key, () =>
        {
            body.Position = 0;
            return body;
        },
        cancellationToken);

    private Task<PutObjectResponse> PutBodyAsync(string key, Func<Stream> body, CancellationToken cancellationToken) =>
        CallAsync("store", key, token => _client.PutObjectAsync(
            new PutObjectRequest
            {
                BucketName = Bucket,
                Key = key,
                ContentType = "audio/mpeg",
                InputStream = body(), // anew for each attempt
                AutoCloseStream = false,

                // The body is sent plain, signed with its SHA-256, rather than as an aws-chunked body (the SDK's
                // default, with or without checksums): servers that do not decode aws-chunked, such as s3rver,
                // store the chunk framing as part of the object.
                UseChunkEncoding = false,
            },
            token), cancellationToken);

    /// <summary>Reads the object from <paramref name="start"/> into <paramref name="destination"/> (one ranged
    /// GET, retried whole if the body breaks off); returns the bytes read, fewer only at the object's end.</summary>
    internal Task<int> ReadRangeAsync(string key, string etag, long start, Memory<byte> destination, CancellationToken cancellationToken) =>
        CallAsync("read", key, async token =>
        {
            using var response = await _client.GetObjectAsync(
                new GetObjectRequest
                {
                    BucketName = Bucket,
                    Key = key,
                    ByteRange = new ByteRange(start, start + destination.Length - 1),
                    EtagToMatch = etag, // a recording replaced under the same key fails the read instead of mixing two
                },
                token);
            await using var body = response.ResponseStream;
            return await body.ReadAtLeastAsync(destination, destination.Length, throwOnEndOfStream: false, token);
        },
        cancellationToken);

    /// <summary>Runs one S3 call with retries; a failure that remains becomes an
    /// <see cref="AudioStoreException"/> naming the bucket and key.</summary>
    private async Task<T> CallAsync<T>(string what, string key, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await _retry.ExecuteAsync(async token => await call(token), cancellationToken);
        }
        catch (Exception ex) when (IsS3Failure(ex, cancellationToken))
        {
            throw new AudioStoreException(Describe(what, key, ex), ex);
        }
    }

    private string Describe(string what, string key, Exception ex) => ex switch
    {
        AmazonS3Exception { ErrorCode: "NoSuchBucket" } =>
            $"The S3 bucket '{Bucket}' does not exist{Where()}: create it, or set {S3AudioStoreOptions.SectionName}:BucketName to one that does.",
        AmazonS3Exception { StatusCode: HttpStatusCode.Forbidden } s =>
            $"Access to the S3 bucket '{Bucket}'{Where()} was denied ({s.ErrorCode}) when trying to {what} {key}: check the AWS credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the profile) and the bucket's policy.",
        _ => $"Could not {what} {key} in the S3 bucket '{Bucket}'{Where()}: {ex.Message}",
    };

    private string Where() => string.IsNullOrWhiteSpace(_options.ServiceUrl) ? string.Empty : $" at {_options.ServiceUrl}";

    private static bool IsS3Failure(Exception ex, CancellationToken cancellationToken) =>
        ex is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or TimeoutException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested); // a request timing out

    /// <summary>Whether trying again may help: for server errors, throttling and the network (the SDK lets
    /// HttpRequestException through), not for an answer that will not change (a missing bucket, denied
    /// access, a bad request) or a client that cannot sign (no credentials found).</summary>
    private static bool IsTransient(Exception ex) => ex switch
    {
        AmazonServiceException { StatusCode: >= HttpStatusCode.InternalServerError or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests } => true,
        AmazonServiceException s => s.InnerException is HttpRequestException or IOException,
        AmazonClientException c => c.InnerException is HttpRequestException or IOException,
        _ => ex is HttpRequestException or IOException or TimeoutException or OperationCanceledException, // a request timing out
    };

    /// <summary>Every call is tried three times in all (two retries), 0.5 s then 1 s apart (jittered).</summary>
    private static ResiliencePipeline Retry(TimeProvider time, ILogger logger) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(500),
                MaxRetryAttempts = 2,
                OnRetry = args =>
                {
                    logger.LogWarning(args.Outcome.Exception, "An S3 call failed (attempt {Attempt}); retrying in {Delay}", args.AttemptNumber + 1, args.RetryDelay);
                    return default;
                },
            })
            .Build();
}
