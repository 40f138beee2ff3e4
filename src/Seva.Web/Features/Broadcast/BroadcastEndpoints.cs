using Seva.Actors.Contracts;
using Seva.Actors.Fanout;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Seva.Actors.Broadcast;
using Seva.Web.Features.ApiKeys;
using Seva.Web.Features.Security;

namespace Seva.Web.Features.Broadcast;

public static class BroadcastEndpoints
{
    public const string Path = "/api/v1/broadcast/ws";

    /// <summary>About 5 s of spoken audio: ample for a phone that reads, small for one that stopped.</summary>
    private const int ListenerSendBufferBytes = 128 * 1024;

    public static WebApplicationBuilder AddBroadcast(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddBroadcastActors();
        return builder;
    }

    public static WebApplication MapBroadcastApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Listeners join without an account (?sessionId=...&targetLanguage=...); speakers authenticate as in
        // the dictation API, so this endpoint checks who is who itself.
        app.Map(Path, HandleAsync);
        return app;
    }

    private static async Task HandleAsync(HttpContext context, IBroadcastActors actors, BroadcastFollowers followers, OriginPolicy origins, IOptions<BroadcastOptions> options, TimeProvider time, ILoggerFactory loggers)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new { error = "websocket_required", message = $"{Path} speaks WebSocket." });
            return;
        }

        var sessionId = context.Request.Query["sessionId"].ToString();
        var isListener = sessionId.Length > 0;
        if (!isListener)
        {
            var key = await context.AuthenticateAsync(ApiKeyAuthenticationHandler.SchemeName);
            var cookie = key.Succeeded ? key : await context.AuthenticateAsync(IdentityConstants.ApplicationScheme);
            if (!cookie.Succeeded)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await context.Response.WriteAsJsonAsync(new { error = "unauthorized", message = "Speakers need an API key ('Authorization: Bearer <key>' or '?access_token=<key>'); listeners join with ?sessionId=...&targetLanguage=..." });
                return;
            }

            // A speaker signed in by cookie broadcasts as that user: only from Seva's own pages (or an
            // allowed origin). Listeners need no check: they join anonymously, the cookie gives them nothing.
            if (!key.Succeeded && !origins.IsAllowed(context.Request))
            {
                await OriginPolicy.Refusal(context.Request).ExecuteAsync(context);
                return;
            }
        }

        var language = context.Request.Query["targetLanguage"].ToString();
        if (isListener && language.Length == 0)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new { error = "missing_target_language", message = "Listeners join with ?sessionId=...&targetLanguage=es (ISO 639-1)." });
            return;
        }

        if (isListener && context.Features.Get<IConnectionSocketFeature>()?.Socket is { } tcp)
        {
            // A fixed send buffer instead of Linux's autotuning (up to 4 MB a socket): hundreds of
            // listeners then hold bounded kernel memory, and one that stops reading shows up in its
            // connection's queue (Seva:Broadcast:ClientQueueBytes) within seconds, not megabytes later.
            tcp.SendBufferSize = ListenerSendBufferBytes;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var connection = new BroadcastConnection(socket, actors, followers, options.Value, time, loggers.CreateLogger<BroadcastConnection>());
        if (isListener)
        {
            var audio = string.Equals(context.Request.Query["audio"], "true", StringComparison.OrdinalIgnoreCase);
            await connection.RunListenerAsync(sessionId, language, audio, context.RequestAborted);
        }
        else
        {
            await connection.RunSpeakerAsync(context.RequestAborted);
        }
    }
}
