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
    ApiKeyDirectory keys) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = ReadKey(Request);
        if (presented is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var userId = keys.Find(presented);
        if (userId is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("Invalid API key."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId), new Claim(ClaimTypes.Name, userId)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Response.WriteAsJsonAsync(new { error = "unauthorized", message = "A valid API key is required: send 'Authorization: Bearer <key>' or '?access_token=<key>'." });
    }

    private static string? ReadKey(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var value = header["Bearer ".Length..].Trim();
            return value.Length > 0 ? value : null;
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
