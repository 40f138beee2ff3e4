namespace Seva.Actors.Storage.S3;

/// <summary>The bucket recordings go to (<c>Seva:AudioStore:S3</c>). Credentials are not settings: the AWS
/// SDK's standard chain finds them (<c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c>, a profile, an
/// instance role).</summary>
public sealed class S3AudioStoreOptions
{
    public const string SectionName = AudioStoreOptions.SectionName + ":S3";

    /// <summary>S3 takes no smaller part except the last one of an upload.</summary>
    public const int MinPartSizeBytes = 5 * 1024 * 1024;

    /// <summary>Each session holds up to two parts in memory (one filling, one uploading).</summary>
    public const int MaxPartSizeBytes = 512 * 1024 * 1024;

    public string? BucketName { get; set; }

    /// <summary>Endpoint of an S3-compatible server (MinIO, Ceph, ...); empty for AWS itself.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>AWS region of the bucket (e.g. <c>eu-west-1</c>); with <see cref="ServiceUrl"/>, the region
    /// requests are signed for (default <c>us-east-1</c>).</summary>
    public string? Region { get; set; }

    /// <summary>Addresses the bucket in the path (<c>{ServiceUrl}/{bucket}/{key}</c>) instead of the host
    /// name, as most S3-compatible servers need.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>How keys of new recordings start; empty or ending in '/'.</summary>
    public string Prefix { get; set; } = AudioKey.DefaultPrefix;

    /// <summary>Size of the multipart upload's parts: the recording is uploaded a part at a time as it is
    /// encoded; what is not yet in a part is also in the local spool, so a crash loses only what came after
    /// the last flush.</summary>
    public int PartSizeBytes { get; set; } = MinPartSizeBytes;
}
