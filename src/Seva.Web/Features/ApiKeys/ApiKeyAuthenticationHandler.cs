using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Seva.Web.Features.ApiKeys;

/// <summary>Authenticates API calls by <c>Authorization: Bearer &lt;key&gt;</c>, or the
/// <c>access_token</c> query parameter (browsers cannot set headers on WebSockets).</summary>
/// <remarks>Keys are compared by their SHA-256 so lookups take the same time whatever the key, and the
/// key itself is never logged.</remarks>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyDirectory keys,
    Seva.Web.Features.Accounts.ApiKeyService userKeys) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = ReadKey(Request);
        if (presented is null)
        {
            return AuthenticateResult.NoResult();
        }

        // Keys from configuration (automation), then keys users created on their API keys page.
        var userId = keys.Find(presented) ?? await userKeys.FindUserAsync(presented, Context.RequestAborted);
        if (userId is null)
        {
            return AuthenticateResult.Fail("Invalid API key.");
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId), new Claim(ClaimTypes.Name, userId)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Response.HasStarted
            ? Task.CompletedTask
            : Response.WriteAsJsonAsync(new { error = "unauthorized", message = "A valid API key is required: send 'Authorization: Bearer <key>' or '?access_token=<key>', or sign in." });
    }

    /// <summary>The token of an <c>Authorization: Bearer</c> header: empty when the header is there
    /// without one, null when there is no bearer header.</summary>
    internal static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    private static string? ReadKey(HttpRequest request)
    {
        if (BearerToken(request) is { } token)
        {
            return token.Length > 0 ? token : null;
        }

        var query = request.Query["access_token"].ToString();
        return query.Length > 0 ? query : null;
    }
}

/// <summary>Configured keys by hash.</summary>
internal sealed class ApiKeyDirectory
{
    private readonly Dictionary<string, string> _userByHash;

    public ApiKeyDirectory(IOptions<ApiKeyOptions> options)
    {
        _userByHash = options.Value.ApiKeys.ToDictionary(k => Hash(k.Key), k => k.UserId, StringComparer.Ordinal);
    }

    public string? Find(string key) => _userByHash.GetValueOrDefault(Hash(key));

    internal static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
