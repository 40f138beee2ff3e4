using Seva.Actors.Storage.S3;

namespace Seva.Actors.Storage;

/// <summary>Which store keeps the recordings (<c>Seva:AudioStore</c>).</summary>
public sealed class AudioStoreOptions
{
    public const string SectionName = "Seva:AudioStore";

    /// <summary><see cref="AudioStoreProviders.File"/> (default: files under <c>Seva:DataDirectory</c>) or
    /// <see cref="AudioStoreProviders.S3"/> (a bucket, see <see cref="S3"/>).</summary>
    public string Provider { get; set; } = AudioStoreProviders.File;

    public S3AudioStoreOptions S3 { get; set; } = new();

    public bool UsesS3 => string.Equals(Provider, AudioStoreProviders.S3, StringComparison.OrdinalIgnoreCase);
}

public static class AudioStoreProviders
{
    public const string File = "File";
    public const string S3 = "S3";
}
