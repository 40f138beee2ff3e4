using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Seva.Web.Features.ApiKeys;

namespace Seva.Web.Features.Security;

/// <summary>Decides whether a request that the sign-in cookie authenticates may act: browsers attach
/// the cookie to requests any page makes (a WebSocket from another port of the same host, a DELETE
/// from a form elsewhere), so such requests must come from Seva's own origin or an allowed one.</summary>
/// <remarks>Only requests that act are checked: WebSocket upgrades and methods other than GET, HEAD
/// and OPTIONS. A cross-origin GET cannot read the answer (no CORS headers are sent). A request
/// without <c>Origin</c> is let through: browsers send it on every WebSocket handshake and every
/// non-GET request a page makes, so its absence means a program that holds the cookie itself,
/// which no other site can make a browser do.</remarks>
public sealed class OriginPolicy
{
    private readonly HashSet<string> _allowed;

    public OriginPolicy(IOptions<AllowedOriginsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _allowed = options.Value.AllowedOrigins.Select(Normalize).OfType<string>().ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>True when the request may use the cookie: no Origin, Seva's own origin, or an allowed one.</summary>
    public bool IsAllowed(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Headers.TryGetValue("Origin", out var values))
        {
            return true;
        }

        // "null" (sandboxed frames, file: pages) and anything unparsable are foreign.
        var origin = Normalize(values.ToString());
        return origin is not null && (origin == Own(request) || _allowed.Contains(origin));
    }

    /// <summary>Whether the request changes something or opens a socket (only those are checked).</summary>
    public static bool Acts(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.HttpContext.WebSockets.IsWebSocketRequest
            || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method));
    }

    /// <summary>The API key's identity when the request presented a valid key, else null.</summary>
    public static ClaimsIdentity? ApiKeyIdentity(ClaimsPrincipal user) =>
        user?.Identities.FirstOrDefault(i => i.IsAuthenticated && i.AuthenticationType == ApiKeyAuthenticationHandler.SchemeName);

    /// <summary>True when the sign-in cookie authenticated the request.</summary>
    public static bool ByCookie(ClaimsPrincipal user) =>
        user?.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == IdentityConstants.ApplicationScheme) == true;

    /// <summary>The answer to a refused request: 403 with a JSON body, before any upgrade.</summary>
    public static IResult Refusal(HttpRequest request) => TypedResults.Json(
        new
        {
            error = "origin_not_allowed",
            message = $"Requests signed in with the cookie must come from Seva's own pages; '{request?.Headers.Origin}' is not an allowed origin (Seva:AllowedOrigins). Programs use an API key.",
        },
        statusCode: StatusCodes.Status403Forbidden);

    /// <summary>scheme://host[:port] in lower case with the default port left out, or null if
    /// <paramref name="value"/> is not an http(s) origin (no path, query or user info).</summary>
    public static string? Normalize(string? value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.UserInfo.Length > 0
            || uri.AbsolutePath != "/"
            || uri.Query.Length > 0
            || uri.Fragment.Length > 0)
        {
            return null;
        }

        return uri.IsDefaultPort ? $"{uri.Scheme}://{uri.IdnHost}" : $"{uri.Scheme}://{uri.IdnHost}:{uri.Port}";
    }

    private static string? Own(HttpRequest request) =>
        Normalize($"{request.Scheme}://{request.Host.Value}");
}
