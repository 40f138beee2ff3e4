using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Seva.Web.Features.AwsCompat;

/// <summary>The pieces of AWS Signature Version 4 that a verifier recomputes: canonical request, string to
/// sign, signing key, as the AWS SDK for JavaScript's <c>@smithy/signature-v4</c> builds them. Pure.</summary>
internal static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string EventAlgorithm = "AWS4-HMAC-SHA256-PAYLOAD";
    public const string Terminator = "aws4_request";
    public const string StreamingEventsPayload = "STREAMING-AWS4-HMAC-SHA256-EVENTS";
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    public const string DateFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>SHA-256 of nothing: the payload hash of a request without a body.</summary>
    public const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public static string LongDate(DateTimeOffset time) => time.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture);

    public static string ShortDate(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public static bool TryParseLongDate(string? text, out DateTimeOffset time) =>
        DateTimeOffset.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    public static string Scope(string shortDate, string region, string service) => $"{shortDate}/{region}/{service}/{Terminator}";

    public static byte[] SigningKey(string secret, string shortDate, string region, string service)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(shortDate));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Terminator));
    }

    public static string Sign(byte[] signingKey, string stringToSign) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));

    public static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    public static string StringToSign(string longDate, string scope, string canonicalRequest) =>
        $"{Algorithm}\n{longDate}\n{scope}\n{Sha256Hex(Encoding.UTF8.GetBytes(canonicalRequest))}";

    /// <param name="signedHeaders">Lower-case names, sorted; each with its value as <see cref="CanonicalHeaderValue"/> made it.</param>
    public static string CanonicalRequest(string method, string path, string canonicalQuery, IReadOnlyList<(string Name, string Value)> signedHeaders, string payloadHash)
    {
        var builder = new StringBuilder();
        builder.Append(method).Append('\n').Append(CanonicalPath(path)).Append('\n').Append(canonicalQuery).Append('\n');
        foreach (var (name, value) in signedHeaders)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }

        builder.Append('\n').AppendJoin(';', signedHeaders.Select(h => h.Name)).Append('\n').Append(payloadHash);
        return builder.ToString();
    }

    /// <summary>The path as the client's signer saw it (for the AWS SDKs, the path as sent), with empty,
    /// <c>.</c> and <c>..</c> segments resolved and each segment escaped once more; slashes stay.</summary>
    public static string CanonicalPath(string path)
    {
        var segments = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }

                continue;
            }

            segments.Add(Escape(segment));
        }

        var leading = path.StartsWith('/') ? "/" : string.Empty;
        var trailing = segments.Count > 0 && path.EndsWith('/') ? "/" : string.Empty;
        return leading + string.Join('/', segments) + trailing;
    }

    /// <summary>The raw query (without <c>?</c>) decoded, re-escaped the AWS way and sorted by name then value;
    /// <paramref name="skip"/> (the presigned <c>X-Amz-Signature</c>) left out.</summary>
    public static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> parameters, string? skip = null) =>
        string.Join('&', parameters
            .Where(p => skip is null || !string.Equals(p.Key, skip, StringComparison.OrdinalIgnoreCase))
            .Select(p => (Key: Escape(p.Key), Value: Escape(p.Value)))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value}"));

    /// <summary>Splits a raw query string into decoded name/value pairs, in order. A <c>+</c> stays a plus:
    /// the SDKs escape spaces as <c>%20</c>.</summary>
    public static List<KeyValuePair<string, string>> ParseQuery(string? rawQuery)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        if (string.IsNullOrEmpty(rawQuery))
        {
            return pairs;
        }

        foreach (var part in rawQuery.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? part : part[..equals];
            var value = equals < 0 ? string.Empty : part[(equals + 1)..];
            pairs.Add(new(Uri.UnescapeDataString(name), Uri.UnescapeDataString(value)));
        }

        return pairs;
    }

    /// <summary>Values of one header joined by commas, each trimmed, runs of spaces and tabs made one space.</summary>
    public static string CanonicalHeaderValue(IEnumerable<string> values) =>
        string.Join(',', values.Select(v => CollapseSpaces(v.Replace('\r', ' ').Replace('\n', ' ')).Trim(' ')));

    /// <summary>RFC 3986 escaping of UTF-8 bytes: only <c>A-Z a-z 0-9 - _ . ~</c> stay as they are.</summary>
    public static string Escape(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9'
                or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>Compares two hex signatures in time that does not depend on where they differ.</summary>
    public static bool SameSignature(string expected, string given) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(given));

    private static string CollapseSpaces(string value)
    {
        var builder = new StringBuilder(value.Length);
        var previousSpace = false;
        foreach (var c in value)
        {
            var space = c is ' ' or '\t';
            if (!space || !previousSpace)
            {
                builder.Append(space ? ' ' : c);
            }

            previousSpace = space;
        }

        return builder.ToString();
    }
}
