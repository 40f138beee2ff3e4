using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seva.Web.Features.AwsCompat;

namespace Seva.Web.Tests.AwsCompat;

/// <summary>What Seva sends down a stream, checked byte for byte where the format is fixed and, for how the
/// client reads it, by the real @aws-sdk/client-transcribe-streaming (tests/aws-client/read-response.mjs).</summary>
public sealed class TranscribeEventsTests
{
    private static readonly TranscriptEvent Partial = new(new Transcript(
    [
        new TranscriptResult("r-1", 0, 0.48, true, [new TranscriptAlternative("Hello", [new TranscriptItem(0.12, 0.48, TranscriptItemType.Pronunciation, "Hello", Stable: false)])], LanguageCode: "en-US"),
    ]));

    private static readonly TranscriptEvent Final = new(new Transcript(
    [
        new TranscriptResult("r-1", 0, 1.25, false,
        [
            new TranscriptAlternative("Hello world.",
            [
                new TranscriptItem(0.12, 0.48, TranscriptItemType.Pronunciation, "Hello", 0.97, true),
                new TranscriptItem(0.5, 1.2, TranscriptItemType.Pronunciation, "world", 0.875, true),
                new TranscriptItem(1.2, 1.2, TranscriptItemType.Punctuation, ".", Stable: true),
            ]),
        ], ChannelId: "ch_0", LanguageCode: "en-US"),
    ]));

    private static readonly TranscribeStreamRequest Request = new(TranscribeOperation.Standard, "en-US", 16000, "pcm", null, null, true, "high", false, null, null);

    private static Dictionary<string, string> ResponseHeaders(TranscribeStreamRequest request) =>
        request.ResponseHeaders("11111111-2222-4333-8444-555555555555", "req-7").Append(new("content-type", TranscribeEvents.ContentType)).ToDictionary();

    private static byte[] Stream(params EventStreamMessage[] messages) => messages.SelectMany(EventStreamCodec.Encode).ToArray();

    private static JsonNode? Json(TranscriptEvent e) => JsonNode.Parse(JsonSerializer.Serialize(e, TranscribeJson.Default.TranscriptEvent));

    [Fact]
    public void Transcript_SerialisesWithTheServicesNames_LeavingAbsentMembersOut()
    {
        var message = TranscribeEvents.Transcript(Partial);

        Assert.Equal(
            """{"Transcript":{"Results":[{"ResultId":"r-1","StartTime":0,"EndTime":0.48,"IsPartial":true,"Alternatives":[{"Transcript":"Hello","Items":[{"StartTime":0.12,"EndTime":0.48,"Type":"pronunciation","Content":"Hello","Stable":false}]}],"LanguageCode":"en-US"}]}}""",
            Encoding.UTF8.GetString(message.Payload.Span));
        Assert.Equal(("event", "TranscriptEvent", "application/json"), (message.GetString(":message-type"), message.GetString(":event-type"), message.GetString(":content-type")));
    }

    [Fact]
    public void Failure_ModeledTypesAreExceptionEvents_OthersAreErrorEvents()
    {
        var modeled = TranscribeEvents.Failure(new AwsCompatException(AwsCompatException.BadRequest, "No \"audio\"."));
        var other = TranscribeEvents.Failure(new AwsCompatException(AwsCompatException.InvalidSignature, "Bad chunk."));

        Assert.Equal(("exception", "BadRequestException", """{"Message":"No \u0022audio\u0022."}"""), (modeled.GetString(":message-type"), modeled.GetString(":exception-type"), Encoding.UTF8.GetString(modeled.Payload.Span)));
        Assert.Equal(("error", "InvalidSignatureException", "Bad chunk.", 0), (other.GetString(":message-type"), other.GetString(":error-code"), other.GetString(":error-message"), other.Payload.Length));
    }

    [Fact]
    public async Task Sdk_ReadsTheEchoedHeaders_AndEachTranscriptEventAsSevaSerialisedIt()
    {
        var result = await SdkClient.ReadResponseAsync("standard", 200, ResponseHeaders(Request), Stream(TranscribeEvents.Transcript(Partial), TranscribeEvents.Transcript(Final)));

        Assert.False(result.TryGetProperty("error", out var error), error.ToString());
        var output = result.GetProperty("output");
        Assert.Equal(("11111111-2222-4333-8444-555555555555", "en-US", 16000, "pcm", true, "high", "req-7"),
            (output.GetProperty("SessionId").GetString(), output.GetProperty("LanguageCode").GetString(), output.GetProperty("MediaSampleRateHertz").GetInt32(),
             output.GetProperty("MediaEncoding").GetString(), output.GetProperty("EnablePartialResultsStabilization").GetBoolean(),
             output.GetProperty("PartialResultsStability").GetString(), result.GetProperty("requestId").GetString()));
        var events = result.GetProperty("events").EnumerateArray().Select(e => JsonNode.Parse(e.GetProperty("TranscriptEvent").GetRawText())).ToList();
        Assert.Equal(2, events.Count);
        Assert.True(JsonNode.DeepEquals(Json(Partial), events[0]), events[0]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(Json(Final), events[1]), events[1]!.ToJsonString());
    }

    [Fact]
    public async Task Sdk_ReadsAMedicalTranscriptWithoutLanguageOrStability()
    {
        var medical = Request with { Operation = TranscribeOperation.Medical, EnablePartialResultsStabilization = false, PartialResultsStability = null, Specialty = "PRIMARYCARE", Type = "DICTATION" };
        var transcript = new TranscriptEvent(new Transcript([new TranscriptResult("m-1", 0, 0.5, false, [new TranscriptAlternative("Aspirin", [new TranscriptItem(0, 0.5, TranscriptItemType.Pronunciation, "Aspirin", 0.9)])])]));

        var result = await SdkClient.ReadResponseAsync("medical", 200, ResponseHeaders(medical), Stream(TranscribeEvents.Transcript(transcript)));

        Assert.Equal(("PRIMARYCARE", "DICTATION"), (result.GetProperty("output").GetProperty("Specialty").GetString(), result.GetProperty("output").GetProperty("Type").GetString()));
        Assert.True(JsonNode.DeepEquals(Json(transcript), JsonNode.Parse(result.GetProperty("events")[0].GetProperty("TranscriptEvent").GetRawText())));
    }

    [Fact]
    public async Task Sdk_ThrowsATypedBadRequestException_FromAnExceptionEventInTheStream_AfterTheEventsBeforeIt()
    {
        var result = await SdkClient.ReadResponseAsync("standard", 200, ResponseHeaders(Request),
            Stream(TranscribeEvents.Transcript(Partial), TranscribeEvents.Failure(new AwsCompatException(AwsCompatException.BadRequest, TranscribeEvents.NoAudioTimeoutMessage))));

        Assert.Single(result.GetProperty("events").EnumerateArray());
        var error = result.GetProperty("error");
        Assert.Equal(("BadRequestException", TranscribeEvents.NoAudioTimeoutMessage, "client"), (error.GetProperty("name").GetString(), error.GetProperty("message").GetString(), error.GetProperty("fault").GetString()));
    }

    [Fact]
    public async Task Sdk_ThrowsAnErrorNamedAfterTheCode_FromAnErrorEventInTheStream()
    {
        var failure = TranscribeEvents.Failure(new AwsCompatException(AwsCompatException.InvalidSignature, "The signature of event 2 does not match."));

        var later = (await SdkClient.ReadResponseAsync("standard", 200, ResponseHeaders(Request), Stream(TranscribeEvents.Transcript(Partial), failure))).GetProperty("error");
        var first = (await SdkClient.ReadResponseAsync("standard", 200, ResponseHeaders(Request), Stream(failure))).GetProperty("error");

        Assert.Equal(("InvalidSignatureException", "The signature of event 2 does not match."), (later.GetProperty("name").GetString(), later.GetProperty("message").GetString()));
        // As the first event it is thrown while send() still reads the response, and the SDK appends its
        // "Deserialization error" hint to a plain Error's message (not to a modeled exception's).
        Assert.Equal("InvalidSignatureException", first.GetProperty("name").GetString());
        Assert.StartsWith("The signature of event 2 does not match.\n  Deserialization error", first.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sdk_ThrowsAModeledExceptionAsTheFirstEvent_WithItsMessageUntouched()
    {
        var result = await SdkClient.ReadResponseAsync("standard", 200, ResponseHeaders(Request),
            Stream(TranscribeEvents.Failure(new AwsCompatException(AwsCompatException.LimitExceeded, "Too many streams."))));

        var error = result.GetProperty("error");
        Assert.Equal(("LimitExceededException", "Too many streams.", "client"), (error.GetProperty("name").GetString(), error.GetProperty("message").GetString(), error.GetProperty("fault").GetString()));
    }

    [Theory]
    [InlineData(AwsCompatException.BadRequest, "1 validation error detected: Value '1234' at 'mediaSampleRateHertz' failed to satisfy constraint: Member must have value greater than or equal to 8000", 400)]
    [InlineData(AwsCompatException.InvalidSignature, SigV4Verifier.SignatureMismatch, 403)]
    [InlineData("UnrecognizedClientException", "The security token included in the request is invalid.", 403)]
    public async Task Sdk_ThrowsTheNamedError_FromARefusalBeforeTheStream(string type, string message, int status)
    {
        var headers = new Dictionary<string, string> { [TranscribeEvents.ErrorTypeHeader] = type, ["content-type"] = "application/json", ["x-amzn-request-id"] = "req-8" };

        var result = await SdkClient.ReadResponseAsync("standard", status, headers, TranscribeEvents.ErrorBody(message));

        var error = result.GetProperty("error");
        Assert.Equal((type, message, status), (error.GetProperty("name").GetString(), error.GetProperty("message").GetString(), error.GetProperty("httpStatusCode").GetInt32()));
    }
}
