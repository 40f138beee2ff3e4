using Seva.Actors.Contracts;
using Seva.Actors.Fanout;
using Microsoft.Extensions.Options;
using Seva.Actors.Dictation;
using Seva.Web.Features.Accounts;
using Seva.Web.Features.ApiKeys;
using Seva.Web.Features.Security;

namespace Seva.Web.Features.Dictation;

public static class DictationExtensions
{
    public const string StreamPath = "/api/v1/dictation/stream";

    public static WebApplicationBuilder AddDictation(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddDictationActors();
        return builder;
    }

    public static WebApplication MapDictationApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });

        // Authorisation runs before the handler, so a request without a valid key gets 401 and no upgrade;
        // one the sign-in cookie authenticates from a page of another origin gets 403, also before it.
        app.Map(StreamPath, HandleAsync).RequireAuthorization(ApiKeyExtensions.PolicyName).RequireAllowedOriginForCookies();
        return app;
    }

    private static async Task HandleAsync(
        HttpContext context,
        IDictationActors actors,
        DictationFollowers followers,
        DictationPreferences preferences,
        IOptions<DictationOptions> options,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new { error = "websocket_required", message = $"{StreamPath} speaks WebSocket: connect with a WebSocket client." });
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new DictationConnection(socket, context.User.UserId(), actors, followers, preferences, options.Value, time, loggers.CreateLogger<DictationConnection>());
        await connection.RunAsync(context.RequestAborted);
    }
}
