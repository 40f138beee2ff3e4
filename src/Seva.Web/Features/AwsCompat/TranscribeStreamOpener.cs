using Seva.Actors.Contracts;
using Seva.Actors.Fanout;
using Seva.Actors.Dictation;
using Seva.Web.Features.Accounts;

namespace Seva.Web.Features.AwsCompat;

/// <summary>What came of a client's request to start a stream.</summary>
internal abstract record StreamOpening(string RequestId);

/// <summary>A stream that may begin: signed by a known key pair, asking for what Seva can do, its session
/// started. <see cref="Reader"/> checks the chunk signatures of what follows.</summary>
internal sealed record OpenedStream(TranscribeSession Session, TranscribeStreamRequest Request, AudioEventReader Reader, string RequestId) : StreamOpening(RequestId);

/// <summary>A stream refused before it began, with the error type, message and HTTP status AWS gives.</summary>
internal sealed record RefusedStream(string ErrorType, string Message, int StatusCode, string RequestId) : StreamOpening(RequestId);

/// <summary>What both transports do before a stream begins, in AWS's order: the signature (no session for a
/// wrong key or signature), then the parameters, then the session.</summary>
internal sealed class TranscribeStreamOpener(
    SigV4Verifier verifier, IDictationActors actors, DictationFollowers followers, DictationPreferences preferences, TimeProvider time, ILogger<TranscribeStreamOpener> logger)
{
    public static TranscribeCapabilities Capabilities { get; } =
        new(DictationLanguages.Supported, Vocabularies: false, [.. TranscribeSession.QualityByRate.Keys]);

    /// <param name="webSocket">The parameters are in the presigned query, and events may come unsigned.</param>
    public async Task<StreamOpening> OpenAsync(HttpRequest request, TranscribeOperation operation, bool webSocket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var requestId = Guid.NewGuid().ToString();
        var signature = await verifier.VerifyAsync(SigV4Request.FromHttpRequest(request), cancellationToken);
        if (signature is SigV4Rejected rejected)
        {
            logger.LogWarning("Refused a Transcribe stream: {ErrorType}: {Message}", rejected.ErrorType, rejected.Message);
            return new RefusedStream(rejected.ErrorType, rejected.Message, rejected.StatusCode, requestId);
        }

        var verified = (SigV4Verified)signature;
        try
        {
            if (!webSocket && !verified.EventsAreSigned)
            {
                throw new AwsCompatException(AwsCompatException.InvalidSignature, $"x-amz-content-sha256 is '{verified.PayloadHash}': Seva takes event streams whose every event is signed ({SigV4.StreamingEventsPayload}), as the AWS SDKs send them.");
            }

            var parameters = webSocket
                ? TranscribeStreamRequest.FromQuery(operation, request.QueryString.Value?.TrimStart('?') ?? string.Empty, Capabilities)
                : TranscribeStreamRequest.FromHeaders(operation, request.Headers, Capabilities);
            var formatting = await preferences.GetAsync(verified.UserId, cancellationToken);
            var session = await TranscribeSession.StartAsync(actors, followers, verified.UserId, parameters, formatting, logger, cancellationToken);
            var chain = new EventStreamSignatureChain(verified, time, SigV4Policy.Transcribe.ClockSkew);
            var reader = webSocket ? AudioEventReader.ForWebSocket(chain) : AudioEventReader.ForSignedStream(chain);
            logger.LogInformation("Transcribe stream {SessionId} ({Operation}, {SampleRate} Hz) started for {UserId} with key {AccessKeyId}",
                session.SessionId, operation, parameters.SampleRate, verified.UserId, verified.AccessKeyId);
            return new OpenedStream(session, parameters, reader, requestId);
        }
        catch (AwsCompatException ex)
        {
            logger.LogInformation("Refused a Transcribe stream: {ErrorType}: {Message}", ex.ErrorType, ex.Message);
            return new RefusedStream(ex.ErrorType, ex.Message, ex.StatusCode, requestId);
        }
    }
}
