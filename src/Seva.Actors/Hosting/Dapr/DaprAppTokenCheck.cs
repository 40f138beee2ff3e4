using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Seva.Actors.Hosting.Dapr;

/// <summary>The endpoints the sidecar calls run sessions: with Dapr's app API token
/// (<see cref="DaprHostingOptions.AppApiToken"/> or <c>APP_API_TOKEN</c>), only calls carrying it (header
/// <c>dapr-api-token</c>) reach them.</summary>
internal sealed class DaprAppTokenCheck(RequestDelegate next, IOptions<HostingOptions> hosting)
{
    private readonly byte[]? _token = hosting.Value.Dapr.ResolveAppApiToken() is { } token ? Encoding.UTF8.GetBytes(token) : null;

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (_token is not null && (path.StartsWithSegments("/dapr") || path.StartsWithSegments("/actors")))
        {
            var given = Encoding.UTF8.GetBytes(context.Request.Headers["dapr-api-token"].ToString());
            if (!CryptographicOperations.FixedTimeEquals(given, _token))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Task.CompletedTask;
            }
        }

        return next(context);
    }
}
