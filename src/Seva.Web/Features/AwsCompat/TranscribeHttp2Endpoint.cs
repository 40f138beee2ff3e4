using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Seva.Web.Features.AwsCompat;

/// <summary>StartStreamTranscription and StartMedicalStreamTranscription over HTTP/2, as the AWS SDKs call
/// them: the whole of what the plaintext HTTP/2 port serves.</summary>
internal static class TranscribeHttp2Endpoint
{
    public const string StreamPath = "/stream-transcription";
    public const string MedicalStreamPath = "/medical-stream-transcription";

    public static async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        TranscribeOperation? operation = context.Request.Path.Value switch
        {
            StreamPath => TranscribeOperation.Standard,
            MedicalStreamPath => TranscribeOperation.Medical,
            _ => null,
        };
        if (operation is null || !HttpMethods.IsPost(context.Request.Method))
        {
            await RefuseAsync(context, new RefusedStream(
                "UnknownOperationException", $"This port serves POST {StreamPath} and POST {MedicalStreamPath} (Amazon Transcribe Streaming) only.", StatusCodes.Status404NotFound, Guid.NewGuid().ToString()));
            return;
        }

        // A stream lasts as long as the dictation, with pauses: Kestrel's body size and data-rate limits would
        // cut it (30 MB is 15 minutes at 16 kHz; a pause is below 240 B/s). Seva's own limits apply instead:
        // the session's maximum recording and the 15 s no-audio timeout.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }

        if (context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
        {
            rate.MinDataRate = null;
        }

        var services = context.RequestServices;
        var opening = await services.GetRequiredService<TranscribeStreamOpener>().OpenAsync(context.Request, operation.Value, webSocket: false, context.RequestAborted);
        if (opening is not OpenedStream opened)
        {
            await RefuseAsync(context, (RefusedStream)opening);
            return;
        }

        using var session = opened.Session;
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = TranscribeEvents.ContentType;
        foreach (var (name, value) in opened.Request.ResponseHeaders(session.SessionId, opened.RequestId))
        {
            response.Headers[name] = value;
        }

        // The SDK's send() resolves on the response headers, while it is still sending audio: they go now.
        await response.StartAsync(context.RequestAborted);
        await response.Body.FlushAsync(context.RequestAborted);
        var pump = new TranscribeStreamPump(session, opened.Reader, services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<TranscribeStreamPump>>());
        await pump.RunAsync(new Http2Transport(context), context.RequestAborted);
    }

    /// <summary>A refusal before the stream: the status, <c>x-amzn-ErrorType</c> and <c>{"Message": ...}</c>,
    /// from which the SDK throws an error of that name.</summary>
    private static async Task RefuseAsync(HttpContext context, RefusedStream refused)
    {
        context.Response.StatusCode = refused.StatusCode;
        context.Response.ContentType = "application/json";
        context.Response.Headers[TranscribeEvents.ErrorTypeHeader] = refused.ErrorType;
        context.Response.Headers["x-amzn-request-id"] = refused.RequestId;
        await context.Response.Body.WriteAsync(TranscribeEvents.ErrorBody(refused.Message), context.RequestAborted);
    }

    private sealed class Http2Transport(HttpContext context) : ITranscribeTransport
    {
        public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
            context.Request.Body.ReadAsync(buffer, cancellationToken);

        public async ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
        {
            await context.Response.Body.WriteAsync(message, cancellationToken);
            await context.Response.Body.FlushAsync(cancellationToken);
        }
    }
}
