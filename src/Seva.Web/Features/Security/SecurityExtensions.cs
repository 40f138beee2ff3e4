using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Seva.Web.Features.Security;

/// <summary>What protects the signed-in user and the accounts: allowed origins for cookie requests,
/// the sign-in rate limit, and the client's real address behind a reverse proxy.</summary>
public static class SecurityExtensions
{
    /// <summary>The rate-limiting policy of the sign-in and registration pages.</summary>
    public const string SignInPolicy = "sign-in";

    public static WebApplicationBuilder AddSecurity(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<AllowedOriginsOptions>().BindConfiguration(AllowedOriginsOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AllowedOriginsOptions>, AllowedOriginsOptionsValidator>();
        services.AddSingleton<OriginPolicy>();
        services.AddOptions<SignInRateLimitOptions>().BindConfiguration(SignInRateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        // Behind the README's reverse proxy (on loopback, trusted by default) the client's address and
        // scheme come in X-Forwarded-For/-Proto: the rate limit is per client, not per proxy, and the
        // origin check compares against the public https origin.
        services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var window = context.HttpContext.RequestServices.GetRequiredService<IOptions<SignInRateLimitOptions>>().Value.Window;
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(window.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                context.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                await context.HttpContext.Response.WriteAsync(
                    $"Too many sign-in or registration attempts from your address. Wait {Describe(window)} and try again.",
                    cancellationToken);
            };

            // Only form posts count: loading the page is not an attempt.
            limiter.AddPolicy(SignInPolicy, context =>
            {
                if (!HttpMethods.IsPost(context.Request.Method))
                {
                    return RateLimitPartition.GetNoLimiter("page");
                }

                var options = context.RequestServices.GetRequiredService<IOptions<SignInRateLimitOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = options.PermitLimit, Window = options.Window, QueueLimit = 0 });
            });
        });
        return builder;
    }

    public static WebApplication UseSecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseForwardedHeaders();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>Checks <see cref="OriginPolicy"/> on the endpoints' cookie requests (see <see cref="CookieOriginFilter"/>).</summary>
    public static TBuilder RequireAllowedOriginForCookies<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, CookieOriginFilter>();

    private static string Describe(TimeSpan window) =>
        window.TotalSeconds < 120 ? $"{window.TotalSeconds:0} seconds" : $"{window.TotalMinutes:0} minutes";
}
