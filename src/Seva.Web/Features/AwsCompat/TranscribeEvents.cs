using System.Text.Json;

namespace Seva.Web.Features.AwsCompat;

/// <summary>The messages the service sends down a stream, as the JS SDK's event-stream unmarshaller reads
/// them: <c>:message-type</c> <c>event</c> with <c>:event-type</c> TranscriptEvent (JSON payload) for results;
/// <c>exception</c> with <c>:exception-type</c> for the five modeled errors (the SDK throws the typed
/// exception, its message from the payload's <c>Message</c>); <c>error</c> with <c>:error-code</c> and
/// <c>:error-message</c> for any other (the SDK throws an Error of that name and message).</summary>
public static class TranscribeEvents
{
    public const string ContentType = "application/vnd.amazon.eventstream";

    /// <summary>The response header naming the error type of a refusal sent before the stream starts.</summary>
    public const string ErrorTypeHeader = "x-amzn-errortype";

    /// <summary>What the service says when no audio came for 15 seconds.</summary>
    public const string NoAudioTimeoutMessage = "Your request timed out because no new audio was received for 15 seconds.";

    public static EventStreamMessage Transcript(TranscriptEvent transcript) => new(
        [
            new(":event-type", EventStreamHeaderValue.FromString("TranscriptEvent")),
            new(":content-type", EventStreamHeaderValue.FromString("application/json")),
            new(":message-type", EventStreamHeaderValue.FromString("event")),
        ],
        JsonSerializer.SerializeToUtf8Bytes(transcript, TranscribeJson.Default.TranscriptEvent));

    /// <summary>A modeled error: BadRequestException, LimitExceededException, InternalFailureException,
    /// ConflictException or ServiceUnavailableException.</summary>
    public static EventStreamMessage Exception(string exceptionType, string message) => new(
        [
            new(":exception-type", EventStreamHeaderValue.FromString(exceptionType)),
            new(":content-type", EventStreamHeaderValue.FromString("application/json")),
            new(":message-type", EventStreamHeaderValue.FromString("exception")),
        ],
        ErrorBody(message));

    /// <summary>An error the service does not model (InvalidSignatureException, say).</summary>
    public static EventStreamMessage Error(string errorCode, string message) => new(
        [
            new(":error-code", EventStreamHeaderValue.FromString(errorCode)),
            new(":error-message", EventStreamHeaderValue.FromString(message)),
            new(":message-type", EventStreamHeaderValue.FromString("error")),
        ],
        ReadOnlyMemory<byte>.Empty);

    /// <summary>The event that reports <paramref name="failure"/> so the SDK throws an error of its type.</summary>
    public static EventStreamMessage Failure(AwsCompatException failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure.IsModeled ? Exception(failure.ErrorType, failure.Message) : Error(failure.ErrorType, failure.Message);
    }

    /// <summary><c>{"Message":"..."}</c>: an exception event's payload, or the body of a refusal sent as an
    /// HTTP error (status <see cref="AwsCompatException.StatusCode"/>, <see cref="ErrorTypeHeader"/> set).</summary>
    public static byte[] ErrorBody(string message) =>
        JsonSerializer.SerializeToUtf8Bytes(new TranscribeErrorBody(message), TranscribeJson.Default.TranscribeErrorBody);
}
