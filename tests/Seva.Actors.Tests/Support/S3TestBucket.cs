using System.Net;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Seva.Actors.Storage;
using Seva.Actors.Storage.S3;

namespace Seva.Actors.Tests.Support;

/// <summary>A bucket of its own on the S3-compatible server the test script starts (s3rver, at
/// <c>SEVA_TEST_S3_URL</c>), with a log of every request a store made through <see cref="NewStore"/>, a
/// switch that fails the requests it matches, as a server error, before they reach the server, and a
/// temporary spool directory for its stores (removed on disposal).</summary>
public sealed partial class S3TestBucket : IDisposable
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private readonly Lock _gate = new();
    private readonly List<S3Request> _requests = [];
    private readonly HashSet<string> _started = [];
    private readonly HashSet<string> _closed = [];

    private S3TestBucket(string url, string name)
    {
        Url = url;
        Name = name;
        Client = new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey), S3AudioStore.ClientConfig(Options(S3AudioStoreOptions.MinPartSizeBytes)));
        SpoolDirectory = Path.Combine(Path.GetTempPath(), "seva-spool-" + name);
    }

    public static string? ServerUrl => Environment.GetEnvironmentVariable("SEVA_TEST_S3_URL");

    /// <summary>Gives servers started in this process the server's credentials the way a deployment does:
    /// through the AWS SDK's standard chain, here its environment variables.</summary>
    public static void ExportCredentials()
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", SecretKey);
    }

    public string Url { get; }

    public string Name { get; }

    /// <summary>Where this bucket's stores spool (created by the first writer).</summary>
    public string SpoolDirectory { get; }

    /// <summary>The files in <see cref="SpoolDirectory"/>.</summary>
    public IReadOnlyList<string> SpoolFiles() =>
        Directory.Exists(SpoolDirectory) ? [.. Directory.EnumerateFiles(SpoolDirectory).Select(Path.GetFileName).OfType<string>()] : [];

    /// <summary>A client straight to the server, for checking what the store left there.</summary>
    public AmazonS3Client Client { get; }

    private Func<S3Request, bool>? _failWhen;

    public IReadOnlyList<S3Request> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The upload ids the server gave the store's multipart uploads.</summary>
    public IReadOnlyList<string> StartedUploads
    {
        get
        {
            lock (_gate)
            {
                return [.. _started];
            }
        }
    }

    /// <summary>From now on, requests that match fail with a 500 InternalError before they reach the server:
    /// the first <paramref name="times"/> of them, or all.</summary>
    public void Fail(Func<S3Request, bool> match, int times = int.MaxValue)
    {
        var failed = 0;
        _failWhen = r => match(r) && Interlocked.Increment(ref failed) <= times;
    }

    /// <summary>Skips the calling test, visibly, when no S3 server was started for the tests.</summary>
    public static void SkipWithoutServer() =>
        Skip.If(ServerUrl is null, "SEVA_TEST_S3_URL is not set: scripts/test starts s3rver and sets it (CI always does)");

    /// <summary>Makes a new, empty bucket (skipping the test when there is no server).</summary>
    public static async Task<S3TestBucket> CreateAsync()
    {
        SkipWithoutServer();
        var bucket = new S3TestBucket(ServerUrl!, "seva-test-" + Guid.NewGuid().ToString("N")[..20]);
        await bucket.Client.PutBucketAsync(bucket.Name);
        return bucket;
    }

    /// <summary>Settings for this bucket; part sizes under S3's 5 MiB are for tests only (s3rver takes them).</summary>
    public S3AudioStoreOptions Options(int partSizeBytes, string prefix = AudioKey.DefaultPrefix) => new()
    {
        BucketName = Name,
        ServiceUrl = Url,
        ForcePathStyle = true,
        Prefix = prefix,
        PartSizeBytes = partSizeBytes,
    };

    /// <summary>The settings a Seva server needs to keep its audio in this bucket (credentials aside).</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Seva:AudioStore:Provider"] = "S3",
        ["Seva:AudioStore:S3:BucketName"] = Name,
        ["Seva:AudioStore:S3:ServiceUrl"] = Url,
        ["Seva:AudioStore:S3:ForcePathStyle"] = "true",
    };

    /// <summary>A store on this bucket whose requests are logged and can be failed; a new one on the same
    /// spool directory is what a restarted process has.</summary>
    public S3AudioStore NewStore(int partSizeBytes, string prefix = AudioKey.DefaultPrefix, string? bucketName = null)
    {
        var options = Options(partSizeBytes, prefix);
        options.BucketName = bucketName ?? Name;
        var config = S3AudioStore.ClientConfig(options);
        config.HttpClientFactory = new Intercepting(this);
        return new S3AudioStore(new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey), config), options, SpoolDirectory, TimeProvider.System, NullLogger<S3AudioStore>.Instance);
    }

    public async Task<byte[]?> ReadObjectAsync(string key)
    {
        try
        {
            using var response = await Client.GetObjectAsync(Name, key);
            using var copy = new MemoryStream();
            await response.ResponseStream.CopyToAsync(copy);
            return copy.ToArray();
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<string>> KeysAsync() =>
        [.. ((await Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Name })).S3Objects ?? []).Select(o => o.Key)];

    /// <summary>Multipart uploads of this bucket that were started and neither completed nor aborted: by the
    /// requests the store sent and, where the server lists them (s3rver 3.7 does not), by the server.</summary>
    public async Task<int> OpenUploadsAsync()
    {
        int open;
        lock (_gate)
        {
            open = _started.Except(_closed).Count();
        }

        try
        {
            var listed = await Client.ListMultipartUploadsAsync(Name);
            return Math.Max(open, listed.MultipartUploads?.Count ?? 0);
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == "NotImplemented")
        {
            return open;
        }
    }

    public void Dispose()
    {
        Client.Dispose();
        if (Directory.Exists(SpoolDirectory))
        {
            Directory.Delete(SpoolDirectory, recursive: true);
        }
    }

    private void Log(S3Request request, string? startedUpload)
    {
        lock (_gate)
        {
            _requests.Add(request);
            if (startedUpload is not null)
            {
                _started.Add(startedUpload);
            }

            if (request.Call is S3Call.CompleteUpload or S3Call.AbortUpload && request.Status < 300)
            {
                _closed.Add(request.UploadId!);
            }
        }
    }

    [GeneratedRegex("<UploadId>([^<]+)</UploadId>")]
    private static partial Regex UploadIdElement();

    private sealed class Intercepting(S3TestBucket bucket) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
            new(new Interceptor(bucket, new SocketsHttpHandler()));
    }

    private sealed class Interceptor(S3TestBucket bucket, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var call = S3Request.Of(request);
            if (bucket._failWhen?.Invoke(call) == true)
            {
                bucket.Log(call with { Status = 500, Failed = true }, null);
                return new HttpResponseMessage(HttpStatusCode.InternalServerError)
                {
                    RequestMessage = request,
                    Content = new StringContent(
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>InternalError</Code><Message>Failed by the test.</Message></Error>",
                        System.Text.Encoding.UTF8,
                        "application/xml"),
                };
            }

            var response = await base.SendAsync(request, cancellationToken);
            string? started = null;
            if (call.Call == S3Call.StartUpload && response.IsSuccessStatusCode)
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken);
                started = UploadIdElement().Match(await response.Content.ReadAsStringAsync(cancellationToken)).Groups[1].Value;
            }

            bucket.Log(call with { Status = (int)response.StatusCode }, started);
            return response;
        }
    }
}

public enum S3Call
{
    Other,
    PutObject,
    StartUpload,
    UploadPart,
    CompleteUpload,
    AbortUpload,
    GetObject,
    HeadObject,
    DeleteObject,
}

/// <summary>One request a store sent: which S3 call, the part number and upload it names, the Range asked,
/// and whether its body was aws-chunked or carried a flexible checksum (which not every server takes).</summary>
public sealed record S3Request(S3Call Call, string PathAndQuery, int? PartNumber, string? UploadId, string? Range, bool ChunkedOrChecksummed, int Status = 0, bool Failed = false)
{
    public static S3Request Of(HttpRequestMessage request)
    {
        var uri = request.RequestUri!;
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        var uploadId = query["uploadId"];
        int? part = int.TryParse(query["partNumber"], out var n) ? n : null;
        var call = request.Method.Method switch
        {
            "PUT" when part is not null => S3Call.UploadPart,
            "PUT" => S3Call.PutObject,
            "POST" when uploadId is null && uri.Query.Contains("uploads", StringComparison.Ordinal) => S3Call.StartUpload,
            "POST" when uploadId is not null => S3Call.CompleteUpload,
            "DELETE" when uploadId is not null => S3Call.AbortUpload,
            "DELETE" => S3Call.DeleteObject,
            "GET" => S3Call.GetObject,
            "HEAD" => S3Call.HeadObject,
            _ => S3Call.Other,
        };
        var chunkedOrChecksummed = request.Headers.Any(h => h.Key.StartsWith("x-amz-checksum-", StringComparison.OrdinalIgnoreCase) || h.Key.Equals("x-amz-sdk-checksum-algorithm", StringComparison.OrdinalIgnoreCase) || h.Key.Equals("x-amz-trailer", StringComparison.OrdinalIgnoreCase))
            || request.Content?.Headers.ContentEncoding.Contains("aws-chunked") == true;
        return new S3Request(call, uri.PathAndQuery, part, uploadId, request.Headers.Range?.ToString(), chunkedOrChecksummed);
    }
}
