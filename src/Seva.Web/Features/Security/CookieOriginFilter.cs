using System.Security.Claims;

namespace Seva.Web.Features.Security;

/// <summary>On API endpoints that take an API key or the sign-in cookie: a valid API key decides who
/// the caller is (its cookie, if any, is ignored, so a page elsewhere cannot pair its own key with the
/// user's cookie), and a request the cookie authenticates must pass <see cref="OriginPolicy"/>.</summary>
internal sealed class CookieOriginFilter(OriginPolicy origins) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        if (OriginPolicy.ApiKeyIdentity(http.User) is { } key)
        {
            http.User = new ClaimsPrincipal(key);
            return await next(context);
        }

        if (OriginPolicy.ByCookie(http.User) && OriginPolicy.Acts(http.Request) && !origins.IsAllowed(http.Request))
        {
            return OriginPolicy.Refusal(http.Request);
        }

        return await next(context);
    }
}
