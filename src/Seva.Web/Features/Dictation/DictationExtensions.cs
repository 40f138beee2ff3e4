using Microsoft.Extensions.Options;
using Seva.Actors.Dictation;
using Seva.Web.Features.ApiKeys;

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

        // Authorisation runs before the handler, so a request without a valid key gets 401 and no upgrade.
        app.Map(StreamPath, HandleAsync).RequireAuthorization(ApiKeyExtensions.PolicyName);
        return app;
    }

    private static async Task HandleAsync(
        HttpContext context,
        DictationSessions sessions,
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
        var connection = new DictationConnection(socket, context.User.UserId(), sessions, options.Value, time, loggers.CreateLogger<DictationConnection>());
        await connection.RunAsync(context.RequestAborted);
    }
}
