using Microsoft.AspNetCore.Http.Features;

namespace Seva.Web.Features.AwsCompat;

/// <summary>What SigV4 covers of an HTTP request. <paramref name="Path"/> and <paramref name="Query"/> are
/// raw, as sent (percent-escapes intact); header names are matched without regard to case.</summary>
public sealed record SigV4Request(string Method, string Path, string Query, IReadOnlyDictionary<string, IReadOnlyList<string>> Headers)
{
    /// <summary>The request's method, raw target and headers. HTTP/2's <c>:authority</c> arrives as the Host
    /// header in ASP.NET Core; the JS SDK signs it under its pseudo-header name over HTTP/2, so both names
    /// are given the host.</summary>
    public static SigV4Request FromHttpRequest(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var rawTarget = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(rawTarget))
        {
            rawTarget = request.PathBase + request.Path + request.QueryString;
        }

        var question = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var headers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = values.Where(v => v is not null).Select(v => v!).ToArray();
        }

        if (request.Host.HasValue)
        {
            headers["host"] = [request.Host.Value];
            headers[":authority"] = [request.Host.Value];
        }

        return new SigV4Request(
            request.Method,
            question < 0 ? rawTarget : rawTarget[..question],
            question < 0 ? string.Empty : rawTarget[(question + 1)..],
            headers);
    }

    /// <summary>Hex SHA-256 of the body, for a request with a body whose client did not send it as
    /// <c>x-amz-content-sha256</c>; without either, the body is taken to be empty (a WebSocket upgrade).</summary>
    public string? BodySha256 { get; init; }

    public string? Header(string name) =>
        Headers.TryGetValue(name, out var values) && values.Count > 0 ? string.Join(',', values) : null;
}
