using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Seva.Web.Features.ApiKeys;

public static class ApiKeyExtensions
{
    public const string PolicyName = "ApiKey";

    public static WebApplicationBuilder AddApiKeys(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ApiKeyOptions>()
            .BindConfiguration(ApiKeyOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ApiKeyOptions>, ApiKeyOptionsValidator>();
        builder.Services.AddSingleton<ApiKeyDirectory>();
        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);

        // The APIs take an API key, or the signed-in user's cookie (the pages play audio from them).
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(PolicyName, p => p
                .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName, IdentityConstants.ApplicationScheme)
                .RequireAuthenticatedUser());
        return builder;
    }

    /// <summary>The signed-in user's id, for pages (which are [Authorize]).</summary>
    public static async Task<string> UserIdAsync(this Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider auth)
    {
        ArgumentNullException.ThrowIfNull(auth);
        return (await auth.GetAuthenticationStateAsync()).User.UserId();
    }

    /// <summary>The caller's user id (API key scheme or sign-in cookie).</summary>
    public static string UserId(this ClaimsPrincipal user) =>
        user?.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The request is not authenticated.");
}
