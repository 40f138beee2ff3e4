using System.Net.WebSockets;

namespace Seva.Web.Features.AwsCompat;

/// <summary>The WebSocket form of Transcribe Streaming, on Seva's main port: a presigned URL carries the
/// parameters and the signature; each binary frame is one event-stream message (signed envelopes from the
/// JS SDK in Node, plain AudioEvents from browsers); a 0-byte frame, an empty AudioEvent or the empty signed
/// envelope ends the audio.</summary>
internal static class TranscribeWebSocketEndpoint
{
    public const string StreamPath = "/stream-transcription-websocket";
    public const string MedicalStreamPath = "/medical-stream-transcription-websocket";

    /// <summary>How long the close handshake may take once the last event is sent.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    public static Task HandleStandardAsync(HttpContext context) => HandleAsync(context, TranscribeOperation.Standard);

    public static Task HandleMedicalAsync(HttpContext context) => HandleAsync(context, TranscribeOperation.Medical);

    private static async Task HandleAsync(HttpContext context, TranscribeOperation operation)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.Headers[TranscribeEvents.ErrorTypeHeader] = AwsCompatException.BadRequest;
            await context.Response.Body.WriteAsync(TranscribeEvents.ErrorBody($"{context.Request.Path} speaks WebSocket (a presigned Amazon Transcribe Streaming URL)."), context.RequestAborted);
            return;
        }

        var services = context.RequestServices;
        var opening = await services.GetRequiredService<TranscribeStreamOpener>().OpenAsync(context.Request, operation, webSocket: true, context.RequestAborted);
        context.Response.Headers["x-amzn-RequestId"] = opening.RequestId;
        if (opening is OpenedStream { Session.SessionId: var sessionId })
        {
            context.Response.Headers["x-amzn-SessionId"] = sessionId;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var transport = new WebSocketTransport(socket);
        if (opening is RefusedStream refused)
        {
            // Refused in the stream rather than at the upgrade: the JS SDK's WebSocket handler only sees a failed
            // upgrade as a timeout, but throws the error an event names (InvalidSignatureException, ...).
            var failure = new AwsCompatException(refused.ErrorType, refused.Message);
            await transport.SendAsync(EventStreamCodec.Encode(TranscribeEvents.Failure(failure)), context.RequestAborted);
            await CloseAsync(socket, WebSocketCloseStatus.PolicyViolation);
            return;
        }

        var opened = (OpenedStream)opening;
        using var session = opened.Session;
        var pump = new TranscribeStreamPump(session, opened.Reader, services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<TranscribeStreamPump>>());
        await pump.RunAsync(transport, context.RequestAborted);
        await CloseAsync(socket, WebSocketCloseStatus.NormalClosure);
    }

    private static async Task CloseAsync(WebSocket socket, WebSocketCloseStatus status)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(CloseTimeout);
            await socket.CloseOutputAsync(status, string.Empty, timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // the client went away first
        }
    }

    private sealed class WebSocketTransport(WebSocket socket) : ITranscribeTransport
    {
        private bool _inMessage;

        public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return 0;
                }

                if (result.MessageType == WebSocketMessageType.Text)
                {
                    throw new AwsCompatException(AwsCompatException.BadRequest, "Seva takes binary frames of event-stream messages only; a text frame came.");
                }

                var endsEmptyFrame = result.Count == 0 && result.EndOfMessage && !_inMessage;
                _inMessage = !result.EndOfMessage;
                if (endsEmptyFrame)
                {
                    return 0; // the 0-byte frame the JS SDK's browser build ends with
                }

                if (result.Count > 0)
                {
                    return result.Count;
                }
            }
        }

        public async ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken) =>
            await socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
    }
}
