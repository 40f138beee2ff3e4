using System.Globalization;

namespace Seva.Web.Features.AwsCompat;

/// <summary>Which signatures a verifier accepts: the service in the credential scope, how far the signing
/// time may be from the server's clock, and the longest life of a presigned URL.</summary>
public sealed record SigV4Policy(string Service, TimeSpan ClockSkew, TimeSpan MaxPresignedLifetime)
{
    /// <summary>Amazon Transcribe Streaming: service <c>transcribe</c>, AWS's 5-minute skew, and the 300 s its
    /// WebSocket docs allow for <c>X-Amz-Expires</c> (the JS SDK asks for 60).</summary>
    public static SigV4Policy Transcribe { get; } = new("transcribe", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(300));
}

/// <summary>The outcome of checking a request's signature.</summary>
public abstract record SigV4Result;

/// <summary>A request signed with a known key pair. <see cref="Signature"/> seeds the chunk signatures of the
/// events that follow (<see cref="EventStreamSignatureChain"/>); <see cref="PayloadHash"/> is what the client
/// declared for the body (<c>STREAMING-AWS4-HMAC-SHA256-EVENTS</c> when every event is signed).</summary>
public sealed record SigV4Verified(
    string AccessKeyId, string UserId, string Region, string Service, DateTimeOffset SignedAt, string Signature, string PayloadHash, bool Presigned)
    : SigV4Result
{
    internal string Secret { get; init; } = string.Empty;

    public bool EventsAreSigned => string.Equals(PayloadHash, SigV4.StreamingEventsPayload, StringComparison.Ordinal);
}

/// <summary>A refused request, with the error type, message and status AWS gives for the same fault.</summary>
public sealed record SigV4Rejected(string ErrorType, string Message, int StatusCode) : SigV4Result
{
    internal static SigV4Rejected Incomplete(string message) => new("IncompleteSignatureException", message, StatusCodes.Status400BadRequest);

    internal static SigV4Rejected Invalid(string message) => new("InvalidSignatureException", message, StatusCodes.Status403Forbidden);
}

/// <summary>Checks AWS Signature Version 4 on a request, in the Authorization header form (HTTP/2
/// StartStreamTranscription) or the presigned query form (the WebSocket URL). Thread-safe.</summary>
public sealed class SigV4Verifier(IAwsCredentialStore credentials, TimeProvider time, SigV4Policy policy)
{
    internal const string SignatureMismatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    private static readonly string[] HeaderParameters = ["Credential", "Signature", "SignedHeaders"];
    private static readonly string[] QueryParameters = ["X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature"];

    private sealed record Claim(string Credential, string SignedHeaders, string Signature, string? Date, int? ExpiresSeconds, bool Presigned);

    public async ValueTask<SigV4Result> VerifyAsync(SigV4Request request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = SigV4.ParseQuery(request.Query);
        var authorization = request.Header("authorization");
        var (claim, rejected) = authorization is not null ? FromHeader(authorization, request) : FromQuery(query);
        if (claim is null)
        {
            return rejected!;
        }

        var (credential, signedHeaderList, signature, dateText, expires, presigned) = claim;
        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[0].Length == 0 || scope[2].Length == 0)
        {
            return SigV4Rejected.Incomplete($"The Credential '{credential}' is not <access key id>/<yyyyMMdd>/<region>/<service>/aws4_request.");
        }

        var (accessKeyId, shortDate, region, service, terminator) = (scope[0], scope[1], scope[2], scope[3], scope[4]);
        if (!string.Equals(service, policy.Service, StringComparison.Ordinal))
        {
            return SigV4Rejected.Invalid($"Credential should be scoped to correct service: '{policy.Service}'. ");
        }

        if (!string.Equals(terminator, SigV4.Terminator, StringComparison.Ordinal))
        {
            return SigV4Rejected.Invalid($"Credential should be scoped with a valid terminator: '{SigV4.Terminator}', not '{terminator}'. ");
        }

        if (!SigV4.TryParseLongDate(dateText, out var signedAt))
        {
            return SigV4Rejected.Incomplete(presigned
                ? "X-Amz-Date must be a date in the form yyyyMMddTHHmmssZ."
                : "Authorization header requires existence of an 'X-Amz-Date' header in the form yyyyMMddTHHmmssZ.");
        }

        if (!string.Equals(shortDate, SigV4.ShortDate(signedAt), StringComparison.Ordinal))
        {
            return SigV4Rejected.Invalid($"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{shortDate}' != '{SigV4.ShortDate(signedAt)}', from '{dateText}'.");
        }

        if (CheckTime(signedAt, expires) is { } late)
        {
            return late;
        }

        var names = signedHeaderList.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(n => n.ToLowerInvariant()).Order(StringComparer.Ordinal).ToList();
        if (!names.Contains("host") && !names.Contains(":authority"))
        {
            return SigV4Rejected.Incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
        }

        var headers = new List<(string, string)>(names.Count);
        foreach (var name in names)
        {
            if (!request.Headers.TryGetValue(name, out var values))
            {
                return SigV4Rejected.Invalid($"Header '{name}' is listed in SignedHeaders but was not sent.");
            }

            headers.Add((name, SigV4.CanonicalHeaderValue(values)));
        }

        var secret = await credentials.TryGetSecretAsync(accessKeyId, cancellationToken);
        if (secret is null)
        {
            return new SigV4Rejected("UnrecognizedClientException", "The security token included in the request is invalid.", StatusCodes.Status403Forbidden);
        }

        var payloadHash = request.Header("x-amz-content-sha256") ?? request.BodySha256 ?? SigV4.EmptySha256;
        var canonical = SigV4.CanonicalRequest(
            request.Method, request.Path, SigV4.CanonicalQuery(query, presigned ? "X-Amz-Signature" : null), headers, payloadHash);
        var key = SigV4.SigningKey(secret.SecretAccessKey, shortDate, region, service);
        var expected = SigV4.Sign(key, SigV4.StringToSign(dateText!, credential[(accessKeyId.Length + 1)..], canonical));
        if (!SigV4.SameSignature(expected, signature))
        {
            return SigV4Rejected.Invalid(SignatureMismatch);
        }

        return new SigV4Verified(accessKeyId, secret.UserId, region, service, signedAt, expected, payloadHash, presigned) { Secret = secret.SecretAccessKey };
    }

    private SigV4Rejected? CheckTime(DateTimeOffset signedAt, int? expiresSeconds)
    {
        var now = time.GetUtcNow();
        var minutes = policy.ClockSkew.TotalMinutes.ToString(CultureInfo.InvariantCulture);
        if (signedAt > now + policy.ClockSkew)
        {
            return SigV4Rejected.Invalid($"Signature not yet current: {SigV4.LongDate(signedAt)} is still later than {SigV4.LongDate(now + policy.ClockSkew)} ({SigV4.LongDate(now)} + {minutes} min.)");
        }

        if (expiresSeconds is { } expires)
        {
            return signedAt.AddSeconds(expires) < now
                ? SigV4Rejected.Invalid($"Signature expired: {SigV4.LongDate(signedAt)} plus X-Amz-Expires {expires} s is now earlier than {SigV4.LongDate(now)}.")
                : null;
        }

        return signedAt < now - policy.ClockSkew
            ? SigV4Rejected.Invalid($"Signature expired: {SigV4.LongDate(signedAt)} is now earlier than {SigV4.LongDate(now - policy.ClockSkew)} ({SigV4.LongDate(now)} - {minutes} min.)")
            : null;
    }

    private static (Claim?, SigV4Rejected?) FromHeader(string authorization, SigV4Request request)
    {
        var space = authorization.IndexOf(' ', StringComparison.Ordinal);
        var algorithm = space < 0 ? authorization : authorization[..space];
        if (!string.Equals(algorithm, SigV4.Algorithm, StringComparison.Ordinal))
        {
            return (null, SigV4Rejected.Incomplete($"Unsupported AWS 'algorithm': '{algorithm}'; Seva checks {SigV4.Algorithm} only."));
        }

        var parts = authorization[(space + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .GroupBy(p => p[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);
        var missing = HeaderParameters.Where(n => !parts.ContainsKey(n))
            .Select(n => $"Authorization header requires '{n}' parameter.").ToList();
        return missing.Count > 0
            ? (null, SigV4Rejected.Incomplete(string.Join(' ', missing) + $" Authorization={authorization}"))
            : (new Claim(parts["Credential"], parts["SignedHeaders"], parts["Signature"], request.Header("x-amz-date"), null, false), null);
    }

    private (Claim?, SigV4Rejected?) FromQuery(List<KeyValuePair<string, string>> query)
    {
        string? Get(string name) => query.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.Ordinal)).Value;

        var algorithm = Get("X-Amz-Algorithm");
        if (algorithm is null)
        {
            return (null, new SigV4Rejected("MissingAuthenticationTokenException", "Missing Authentication Token", StatusCodes.Status403Forbidden));
        }

        if (!string.Equals(algorithm, SigV4.Algorithm, StringComparison.Ordinal))
        {
            return (null, SigV4Rejected.Incomplete($"Unsupported AWS 'algorithm': '{algorithm}'; Seva checks {SigV4.Algorithm} only."));
        }

        var missing = QueryParameters.Where(n => Get(n) is null).ToList();
        if (missing.Count > 0)
        {
            return (null, SigV4Rejected.Incomplete($"AWS query-string parameters must include {string.Join(", ", missing.Select(n => $"'{n}'"))}. Re-examine the query-string parameters."));
        }

        var maxSeconds = (int)policy.MaxPresignedLifetime.TotalSeconds;
        if (!int.TryParse(Get("X-Amz-Expires"), NumberStyles.None, CultureInfo.InvariantCulture, out var expires) || expires < 1 || expires > maxSeconds)
        {
            return (null, SigV4Rejected.Incomplete($"X-Amz-Expires must be a whole number of seconds from 1 to {maxSeconds}; it is '{Get("X-Amz-Expires")}'."));
        }

        return (new Claim(Get("X-Amz-Credential")!, Get("X-Amz-SignedHeaders")!, Get("X-Amz-Signature")!, Get("X-Amz-Date"), expires, true), null);
    }
}
