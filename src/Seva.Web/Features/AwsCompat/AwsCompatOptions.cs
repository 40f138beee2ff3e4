using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Seva.Web.Features.AwsCompat;

/// <summary>The Amazon Transcribe-compatible endpoint's settings: the plaintext HTTP/2 address of
/// StartStreamTranscription (<c>Seva:AwsCompat:Http2Url</c>, empty: off), and key pairs AWS SDK clients
/// sign with, <c>Seva:AwsCompat:Credentials:N:AccessKeyId</c>, <c>SecretAccessKey</c> and <c>UserId</c>.</summary>
public sealed class AwsCompatOptions
{
    public const string SectionName = "Seva:AwsCompat";

    public const int MinimumSecretLength = 16;

    /// <summary>e.g. <c>http://127.0.0.1:5001</c>. Kestrel serves plaintext HTTP/2 only on an endpoint that
    /// speaks nothing else, so this is a port of its own beside the usual URLs.</summary>
    public string? Http2Url { get; set; }

    public IList<ConfiguredAwsCredential> Credentials { get; } = [];

    /// <summary>The port of <see cref="Http2Url"/>, or null when it is off (or invalid: validation says so).</summary>
    public int? Http2Port
    {
        get
        {
            if (string.IsNullOrWhiteSpace(Http2Url))
            {
                return null;
            }

            try
            {
                // Kestrel's own parser, so every form --urls takes (http://*:5001, http://localhost:5001) is taken.
                var address = BindingAddress.Parse(Http2Url);
                return address.Scheme == Uri.UriSchemeHttp && address.Port > 0 && !address.IsUnixPipe ? address.Port : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }
}

public sealed class ConfiguredAwsCredential
{
    public string AccessKeyId { get; set; } = string.Empty;

    public string SecretAccessKey { get; set; } = string.Empty;

    public string UserId { get; set; } = string.Empty;
}

internal sealed partial class AwsCompatOptionsValidator : IValidateOptions<AwsCompatOptions>
{
    public ValidateOptionsResult Validate(string? name, AwsCompatOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.Http2Url) && options.Http2Port is null)
        {
            failures.Add($"{AwsCompatOptions.SectionName}:Http2Url ('{options.Http2Url}') must be an http:// URL with its own port, e.g. http://127.0.0.1:5001 (plaintext HTTP/2; leave it empty to turn the endpoint off).");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Credentials.Count; i++)
        {
            var credential = options.Credentials[i];
            var setting = $"{AwsCompatOptions.SectionName}:Credentials:{i}";
            if (!AccessKeyIdPattern().IsMatch(credential.AccessKeyId))
            {
                failures.Add($"{setting}:AccessKeyId ('{credential.AccessKeyId}') must be 16 to 128 letters, digits or underscores, as AWS access key ids are (e.g. AKIA followed by 16 capitals and digits).");
            }
            else if (!seen.Add(credential.AccessKeyId))
            {
                failures.Add($"{setting}:AccessKeyId is configured twice: each access key id belongs to one user.");
            }

            if (credential.SecretAccessKey.Length < AwsCompatOptions.MinimumSecretLength)
            {
                failures.Add($"{setting}:SecretAccessKey must be at least {AwsCompatOptions.MinimumSecretLength} characters (generate one with `openssl rand -base64 30`).");
            }

            if (string.IsNullOrWhiteSpace(credential.UserId))
            {
                failures.Add($"{setting}:UserId is empty: set the user whose sessions this key pair makes.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[A-Za-z0-9_]{16,128}$")]
    private static partial Regex AccessKeyIdPattern();
}
