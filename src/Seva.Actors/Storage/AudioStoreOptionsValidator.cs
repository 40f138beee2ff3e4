using System.Globalization;
using Microsoft.Extensions.Options;
using Seva.Actors.Storage.S3;

namespace Seva.Actors.Storage;

/// <summary>Checks at start-up that the chosen audio store has what it needs, naming the setting to fix.</summary>
public sealed class AudioStoreOptionsValidator : IValidateOptions<AudioStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, AudioStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string Section = AudioStoreOptions.SectionName;
        const string S3Section = S3AudioStoreOptions.SectionName;
        var failures = new List<string>();
        if (!options.UsesS3 && !string.Equals(options.Provider, AudioStoreProviders.File, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{Section}:Provider '{options.Provider}' is not a provider: use {AudioStoreProviders.File} (files under Seva:DataDirectory, the default) or {AudioStoreProviders.S3} (a bucket named by {S3Section}:BucketName).");
        }

        if (!options.UsesS3)
        {
            return Result(failures);
        }

        var s3 = options.S3;
        if (string.IsNullOrWhiteSpace(s3.BucketName))
        {
            failures.Add($"{S3Section}:BucketName is required with {Section}:Provider={AudioStoreProviders.S3}: set it to the name of an existing bucket.");
        }
        else if (s3.BucketName.Any(c => c == '/' || char.IsWhiteSpace(c)))
        {
            failures.Add($"{S3Section}:BucketName '{s3.BucketName}' is not a bucket name: give the name alone, without '/', spaces or the server's address (that goes in {S3Section}:ServiceUrl).");
        }

        if (!string.IsNullOrWhiteSpace(s3.ServiceUrl) &&
            !(Uri.TryCreate(s3.ServiceUrl, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)))
        {
            failures.Add($"{S3Section}:ServiceUrl '{s3.ServiceUrl}' is not an http:// or https:// URL: give the S3-compatible server's endpoint, e.g. http://127.0.0.1:9000, or leave it empty for AWS.");
        }

        if (string.IsNullOrWhiteSpace(s3.ServiceUrl) && string.IsNullOrWhiteSpace(s3.Region))
        {
            failures.Add($"{S3Section}:Region is required for AWS: set it to the bucket's region (e.g. eu-west-1), or set {S3Section}:ServiceUrl for an S3-compatible server.");
        }

        if (s3.Prefix.StartsWith('/') || (s3.Prefix.Length > 0 && !s3.Prefix.EndsWith('/')))
        {
            failures.Add($"{S3Section}:Prefix '{s3.Prefix}' must be empty or end with '/' and not start with one, e.g. 'audio/' (the default) or 'seva/audio/'.");
        }

        if (s3.PartSizeBytes is < S3AudioStoreOptions.MinPartSizeBytes or > S3AudioStoreOptions.MaxPartSizeBytes)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{S3Section}:PartSizeBytes ({s3.PartSizeBytes}) must be between {S3AudioStoreOptions.MinPartSizeBytes} (5 MiB, the smallest part S3 takes) and {S3AudioStoreOptions.MaxPartSizeBytes} (each session holds up to two parts in memory)."));
        }

        return Result(failures);
    }

    private static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
