using Microsoft.AspNetCore.Http;
using Seva.Web.Features.AwsCompat;

namespace Seva.Web.Tests.AwsCompat;

public sealed class TranscribeStreamRequestTests
{
    private static readonly TranscribeCapabilities Seva = new(["en-US"], Vocabularies: false);

    private static HeaderDictionary FixtureHeaders(string fixture, Action<HeaderDictionary>? change = null)
    {
        var headers = new HeaderDictionary();
        foreach (var header in SdkFixtures.Json(fixture).GetProperty("headers").EnumerateObject().Where(h => !h.Name.StartsWith(':')))
        {
            headers[header.Name] = header.Value.GetString();
        }

        change?.Invoke(headers);
        return headers;
    }

    private static string Refusal(Action parse)
    {
        var ex = Assert.Throws<AwsCompatException>(parse);
        Assert.Equal((AwsCompatException.BadRequest, 400, true), (ex.ErrorType, ex.StatusCode, ex.IsModeled));
        return ex.Message;
    }

    private static string Refusal(TranscribeOperation operation, Action<HeaderDictionary> change, string fixture = "sdk-http2-stream.json") =>
        Refusal(() => TranscribeStreamRequest.FromHeaders(operation, FixtureHeaders(fixture, change), Seva));

    [Fact]
    public void FromHeaders_WhatTheSdkSent_ReadsEveryParameter()
    {
        var request = TranscribeStreamRequest.FromHeaders(TranscribeOperation.Standard, FixtureHeaders("sdk-http2-stream.json"), Seva);

        Assert.Equal(
            new TranscribeStreamRequest(TranscribeOperation.Standard, "en-US", 16000, "pcm", "6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab", null, true, "high", false, null, null),
            request);
    }

    [Fact]
    public void FromHeaders_TheSdksMedicalRequest_ReadsSpecialtyAndType_AndHasNoSessionId()
    {
        var request = TranscribeStreamRequest.FromHeaders(TranscribeOperation.Medical, FixtureHeaders("sdk-http2-medical.json"), Seva);

        Assert.Equal(("PRIMARYCARE", "DICTATION", null), (request.Specialty, request.Type, request.SessionId));
    }

    [Fact]
    public void FromQuery_TheSdksPresignedWebSocketUrl_ReadsTheSameParameters()
    {
        var url = new Uri(SdkFixtures.Json("sdk-websocket.json").GetProperty("browser").GetProperty("url").GetString()!);

        var request = TranscribeStreamRequest.FromQuery(TranscribeOperation.Standard, url.Query, Seva);

        Assert.Equal(("en-US", 16000, "pcm", "6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab"), (request.LanguageCode, request.SampleRate, request.MediaEncoding, request.SessionId));
    }

    [Theory]
    [InlineData("1234", "1 validation error detected: Value '1234' at 'mediaSampleRateHertz' failed to satisfy constraint: Member must have value greater than or equal to 8000")]
    [InlineData("96000", "1 validation error detected: Value '96000' at 'mediaSampleRateHertz' failed to satisfy constraint: Member must have value less than or equal to 48000")]
    [InlineData(null, "1 validation error detected: Value null at 'mediaSampleRateHertz' failed to satisfy constraint: Member must not be null")]
    [InlineData("16k", "sample-rate '16k' is not a whole number of hertz.")]
    public void SampleRate_OutOfAwsRangeMissingOrNotANumber_IsABadRequest(string? rate, string message) =>
        Assert.Equal(message, Refusal(TranscribeOperation.Standard, h => h["x-amzn-transcribe-sample-rate"] = rate));

    [Fact]
    public void SeveralAwsConstraintsBroken_AreCountedAndListedInOneMessage()
    {
        var message = Refusal(TranscribeOperation.Standard, h =>
        {
            h["x-amzn-transcribe-language-code"] = "xx-XX";
            h["x-amzn-transcribe-media-encoding"] = "mp3";
            h["x-amzn-transcribe-session-id"] = "not-a-uuid";
        });

        Assert.StartsWith("4 validation errors detected: Value 'xx-XX' at 'languageCode' failed to satisfy constraint: Member must satisfy enum value set: [af-ZA, am-ET, ", message, StringComparison.Ordinal);
        Assert.Contains("; Value 'mp3' at 'mediaEncoding' failed to satisfy constraint: Member must satisfy enum value set: [flac, g711-alaw, g711-ulaw, g729, ogg-opus, pcm]", message, StringComparison.Ordinal);
        Assert.EndsWith("; Value 'not-a-uuid' at 'sessionId' failed to satisfy constraint: Member must have length greater than or equal to 36; Value 'not-a-uuid' at 'sessionId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Medical_WithoutSpecialtyOrType_IsABadRequestForBoth()
    {
        var message = Refusal(TranscribeOperation.Medical, h =>
        {
            h.Remove("x-amzn-transcribe-specialty");
            h["x-amzn-transcribe-type"] = "dictation";
        }, "sdk-http2-medical.json");

        Assert.Equal("2 validation errors detected: Value null at 'specialty' failed to satisfy constraint: Member must not be null; Value 'dictation' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [CONVERSATION, DICTATION]", message);
    }

    [Theory]
    [InlineData("x-amzn-transcribe-language-code", "ja-JP", "Seva has no speech model for language-code 'ja-JP': it transcribes en-US.")]
    [InlineData("x-amzn-transcribe-media-encoding", "flac", "Seva takes media-encoding pcm (signed 16-bit little-endian) only; 'flac' is not supported.")]
    [InlineData("x-amzn-transcribe-vocabulary-name", "cardio-terms", "Seva has no custom vocabularies to apply: leave vocabulary-name ('cardio-terms') out.")]
    [InlineData("x-amzn-transcribe-show-speaker-label", "true", "Seva does not label speakers: leave show-speaker-label out or false.")]
    [InlineData("x-amzn-transcribe-content-redaction-type", "PII", "Seva does not support content-redaction-type: leave it out.")]
    [InlineData("x-amzn-transcribe-enable-partial-results-stabilization", "yes", "enable-partial-results-stabilization is 'yes'; it takes true or false.")]
    public void WhatAwsAllowsButSevaCannotDo_IsRefusedInSevasWords(string header, string value, string message) =>
        Assert.Equal(message, Refusal(TranscribeOperation.Standard, h => h[header] = value));

    [Fact]
    public void Medical_InAnotherLanguage_IsRefused()
    {
        var seva = new TranscribeCapabilities(["en-US", "de-DE"], Vocabularies: false);
        var message = Refusal(() => TranscribeStreamRequest.FromHeaders(TranscribeOperation.Medical, FixtureHeaders("sdk-http2-medical.json", h => h["x-amzn-transcribe-language-code"] = "de-DE"), seva));
        Assert.Equal("Medical transcription is in en-US only, as in Amazon Transcribe Medical; language-code is 'de-DE'.", message);
    }

    [Fact]
    public void ResponseHeaders_EchoTheParameters_WithTheSessionAndRequestIds()
    {
        var request = TranscribeStreamRequest.FromHeaders(TranscribeOperation.Medical, FixtureHeaders("sdk-http2-medical.json"), Seva);

        var headers = request.ResponseHeaders("11111111-2222-4333-8444-555555555555", "req-1");

        Assert.Equal(
            [
                new("x-amzn-request-id", "req-1"),
                new("x-amzn-transcribe-session-id", "11111111-2222-4333-8444-555555555555"),
                new("x-amzn-transcribe-language-code", "en-US"),
                new("x-amzn-transcribe-sample-rate", "16000"),
                new("x-amzn-transcribe-media-encoding", "pcm"),
                new("x-amzn-transcribe-specialty", "PRIMARYCARE"),
                new("x-amzn-transcribe-type", "DICTATION"),
            ],
            headers);
    }
}
