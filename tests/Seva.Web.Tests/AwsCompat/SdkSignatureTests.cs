using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Seva.Web.Features.AwsCompat;

namespace Seva.Web.Tests.AwsCompat;

/// <summary>SigV4 on what the real @aws-sdk/client-transcribe-streaming sent (tests/aws-client fixtures):
/// the HTTP/2 request and its signed events, and the WebSocket's presigned URL and frames.</summary>
public sealed class SdkSignatureTests
{
    private static readonly JsonElement Stream = SdkFixtures.Http2Stream;
    private static readonly JsonElement WebSocket = SdkFixtures.WebSocket;

    private static string AccessKeyId(JsonElement fixture) => fixture.GetProperty("credentials").GetProperty("accessKeyId").GetString()!;

    private static string Secret(JsonElement fixture) => fixture.GetProperty("credentials").GetProperty("secretAccessKey").GetString()!;

    private static FakeTimeProvider ClockAt(string longDate, int plusSeconds = 0) =>
        new(DateTimeOffset.ParseExact(longDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).AddSeconds(plusSeconds));

    private static SigV4Verifier Verifier(JsonElement fixture, TimeProvider time, string? secret = null) =>
        SigV4TestSuiteTests.Verifier(time, SigV4Policy.Transcribe, AccessKeyId(fixture), secret ?? Secret(fixture));

    /// <summary>The request as Kestrel hands it over: pseudo-headers gone, :authority as the host.</summary>
    internal static SigV4Request Http2Request(JsonElement fixture, Action<Dictionary<string, IReadOnlyList<string>>>? change = null)
    {
        var recorded = fixture.GetProperty("headers").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        var headers = recorded.Where(h => !h.Key.StartsWith(':')).ToDictionary(h => h.Key, h => (IReadOnlyList<string>)[h.Value], StringComparer.OrdinalIgnoreCase);
        headers["host"] = [recorded[":authority"]];
        headers[":authority"] = [recorded[":authority"]];
        change?.Invoke(headers);
        return new SigV4Request(recorded[":method"], recorded[":path"], "", headers);
    }

    internal static SigV4Request WebSocketRequest(JsonElement recording, string? query = null)
    {
        var url = new Uri(recording.GetProperty("url").GetString()!);
        var headers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase) { ["host"] = [url.Authority] };
        return new SigV4Request("GET", url.AbsolutePath, query ?? url.Query.TrimStart('?'), headers);
    }

    private static string DateOf(JsonElement fixture) => fixture.GetProperty("headers").GetProperty("x-amz-date").GetString()!;

    private static async Task<SigV4Verified> VerifiedStreamAsync(TimeProvider? time = null) =>
        Assert.IsType<SigV4Verified>(await Verifier(Stream, time ?? ClockAt(DateOf(Stream))).VerifyAsync(Http2Request(Stream), CancellationToken.None));

    private static List<EventStreamMessage> Envelopes(string bin)
    {
        var decoder = new EventStreamDecoder();
        var messages = decoder.Feed(SdkFixtures.Bytes(bin)).ToList();
        decoder.Complete();
        return messages;
    }

    [Fact]
    public async Task Http2Request_AsTheSdkSignedIt_IsVerified_WithSignedEvents()
    {
        var verified = await VerifiedStreamAsync();

        Assert.Equal((AccessKeyId(Stream), "user-1", "us-east-1", "transcribe", false, true), (verified.AccessKeyId, verified.UserId, verified.Region, verified.Service, verified.Presigned, verified.EventsAreSigned));
        Assert.EndsWith($"Signature={verified.Signature}", Stream.GetProperty("headers").GetProperty("authorization").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MedicalRequest_AsTheSdkSignedIt_IsVerified()
    {
        var medical = SdkFixtures.Json("sdk-http2-medical.json");
        var result = await Verifier(medical, ClockAt(DateOf(medical))).VerifyAsync(Http2Request(medical), CancellationToken.None);
        Assert.Equal("/medical-stream-transcription", Http2Request(medical).Path);
        Assert.IsType<SigV4Verified>(result);
    }

    [Fact]
    public async Task Http2Request_WithAnotherSecret_IsRejectedAsAMismatch_AndAnUnknownKeyAsUnrecognized()
    {
        var wrongSecret = await Verifier(Stream, ClockAt(DateOf(Stream)), "anotherSecretOf40Characters0123456789abcd").VerifyAsync(Http2Request(Stream), CancellationToken.None);
        var unknown = await SigV4TestSuiteTests.Verifier(ClockAt(DateOf(Stream)), SigV4Policy.Transcribe, "AKIDSOMEBODYELSE0001", Secret(Stream)).VerifyAsync(Http2Request(Stream), CancellationToken.None);

        Assert.Equal(("InvalidSignatureException", 403, SigV4Verifier.SignatureMismatch), Rejection(wrongSecret));
        Assert.Equal(("UnrecognizedClientException", 403, "The security token included in the request is invalid."), Rejection(unknown));
    }

    [Theory]
    [InlineData("x-amzn-transcribe-sample-rate", "8000")]
    [InlineData("x-amzn-transcribe-language-code", "en-GB")]
    [InlineData("host", "127.0.0.1:47112")]
    [InlineData("x-amz-content-sha256", "UNSIGNED-PAYLOAD")]
    public async Task Http2Request_WithASignedHeaderChanged_IsRejected(string header, string value)
    {
        var request = Http2Request(Stream, h =>
        {
            h[header] = [value];
            if (header == "host")
            {
                h[":authority"] = [value];
            }
        });

        var result = await Verifier(Stream, ClockAt(DateOf(Stream))).VerifyAsync(request, CancellationToken.None);

        Assert.Equal(SigV4Verifier.SignatureMismatch, Rejection(result).Message);
    }

    [Theory]
    [InlineData(-301, "Signature not yet current: 20260314T092653Z is still later than 20260314T092652Z (20260314T092152Z + 5 min.)")]
    [InlineData(301, "Signature expired: 20260314T092653Z is now earlier than 20260314T092654Z (20260314T093154Z - 5 min.)")]
    public async Task Http2Request_MoreThanFiveMinutesFromTheServersClock_IsRejected(int clockOffsetSeconds, string message)
    {
        var result = await Verifier(Stream, ClockAt(DateOf(Stream), clockOffsetSeconds)).VerifyAsync(Http2Request(Stream), CancellationToken.None);
        Assert.Equal(("InvalidSignatureException", 403, message), Rejection(result));
        Assert.IsType<SigV4Verified>(await Verifier(Stream, ClockAt(DateOf(Stream), Math.Sign(clockOffsetSeconds) * 299)).VerifyAsync(Http2Request(Stream), CancellationToken.None));
    }

    [Fact]
    public async Task Request_ScopedToAnotherService_OrWithoutAnySignature_IsRejectedTheAwsWay()
    {
        var otherService = await SigV4TestSuiteTests.Verifier(ClockAt(DateOf(Stream)), SigV4Policy.Transcribe with { Service = "s3" }, AccessKeyId(Stream), Secret(Stream))
            .VerifyAsync(Http2Request(Stream), CancellationToken.None);
        var unsigned = await Verifier(Stream, ClockAt(DateOf(Stream))).VerifyAsync(Http2Request(Stream, h => h.Remove("authorization")), CancellationToken.None);

        Assert.Equal(("InvalidSignatureException", 403, "Credential should be scoped to correct service: 's3'. "), Rejection(otherService));
        Assert.Equal(("MissingAuthenticationTokenException", 403, "Missing Authentication Token"), Rejection(unsigned));
    }

    [Fact]
    public async Task Http2Body_EachEventTheSdkSigned_IsVerified_AndTheEmptyOneEndsTheStream()
    {
        var chain = new EventStreamSignatureChain(await VerifiedStreamAsync(), ClockAt(DateOf(Stream)), TimeSpan.FromMinutes(5));
        var envelopes = Envelopes("sdk-http2-stream.bin");

        var payloads = envelopes.Select(e => chain.Verify(e)).ToList();

        Assert.True(chain.Ended);
        Assert.True(payloads[^1].IsEmpty);
        Assert.Equal(SdkFixtures.AudioChunks(Stream), payloads.SkipLast(1).Select(p => EventStreamCodec.Decode(p.Span).Payload.ToArray()));
        var after = Assert.Throws<AwsCompatException>(() => chain.Verify(envelopes[0]));
        Assert.Contains("came after the empty event", after.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, int[]> Tamperings() => new()
    {
        { "replayed", [0, 0, 1, 2, 3] },
        { "reordered", [1, 0, 2, 3] },
        { "dropped", [0, 2, 3] },
        { "end first", [3, 0] },
    };

    [Theory]
    [MemberData(nameof(Tamperings))]
    public async Task Http2Body_EventsReplayedReorderedOrDropped_BreakTheChain(string what, int[] order)
    {
        var chain = new EventStreamSignatureChain(await VerifiedStreamAsync(), ClockAt(DateOf(Stream)), TimeSpan.FromMinutes(5));
        var envelopes = Envelopes("sdk-http2-stream.bin");

        var ex = Assert.Throws<AwsCompatException>(() =>
        {
            foreach (var i in order)
            {
                chain.Verify(envelopes[i]);
            }
        });

        Assert.Equal(AwsCompatException.InvalidSignature, ex.ErrorType);
        Assert.False(chain.Ended, what);
    }

    [Fact]
    public async Task Http2Body_AnEventWithOneAudioByteChanged_AndItsCrcsRedone_FailsItsSignature()
    {
        var chain = new EventStreamSignatureChain(await VerifiedStreamAsync(), ClockAt(DateOf(Stream)), TimeSpan.FromMinutes(5));
        var envelopes = Envelopes("sdk-http2-stream.bin");
        var inner = EventStreamCodec.Decode(envelopes[1].Payload.Span);
        var audio = inner.Payload.ToArray();
        audio[100] ^= 1;
        var forged = new EventStreamMessage(envelopes[1].Headers, EventStreamCodec.Encode(new EventStreamMessage(inner.Headers, audio)));

        chain.Verify(envelopes[0]);
        var ex = Assert.Throws<AwsCompatException>(() => chain.Verify(EventStreamCodec.Decode(EventStreamCodec.Encode(forged))));

        Assert.Contains("signature of event 2 does not match", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http2Body_CheckedWithAnotherKey_FailsAtTheFirstEvent_AndAnUnsignedEventIsRefused()
    {
        var verified = await VerifiedStreamAsync();
        var envelopes = Envelopes("sdk-http2-stream.bin");
        var otherKey = new EventStreamSignatureChain(verified with { Secret = "anotherSecretOf40Characters0123456789abcd" }, ClockAt(DateOf(Stream)), TimeSpan.FromMinutes(5));
        var chain = new EventStreamSignatureChain(verified, ClockAt(DateOf(Stream)), TimeSpan.FromMinutes(5));

        Assert.Contains("event 1 does not match", Assert.Throws<AwsCompatException>(() => otherKey.Verify(envelopes[0])).Message, StringComparison.Ordinal);
        var unsigned = EventStreamCodec.Decode(envelopes[0].Payload.Span);
        Assert.Contains("no :chunk-signature header", Assert.Throws<AwsCompatException>(() => chain.Verify(unsigned)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http2Body_EventsCheckedMoreThanFiveMinutesAfterTheyWereSigned_AreRefused()
    {
        var late = ClockAt(DateOf(Stream));
        var chain = new EventStreamSignatureChain(await VerifiedStreamAsync(late), late, TimeSpan.FromMinutes(5));
        late.Advance(TimeSpan.FromMinutes(6));

        var ex = Assert.Throws<AwsCompatException>(() => chain.Verify(Envelopes("sdk-http2-stream.bin")[0]));

        Assert.Contains("more than 5 min from the server's clock", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebSocketUrl_AsTheSdkPresignedIt_IsVerified_WithTheEmptyBodyHash()
    {
        var browser = WebSocket.GetProperty("browser");
        var request = WebSocketRequest(browser);

        var verified = Assert.IsType<SigV4Verified>(await Verifier(WebSocket, ClockAt("20260314T092653Z", 59)).VerifyAsync(request, CancellationToken.None));

        Assert.Equal(("/stream-transcription-websocket", "seva.example:8443"), (request.Path, request.Header("host")));
        Assert.Equal((true, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", false), (verified.Presigned, verified.PayloadHash, verified.EventsAreSigned));
    }

    [Fact]
    public async Task WebSocketUrl_PastItsSixtySeconds_OrAskingForMoreThanFiveMinutes_IsRejected()
    {
        var browser = WebSocket.GetProperty("browser");
        var expired = await Verifier(WebSocket, ClockAt("20260314T092653Z", 61)).VerifyAsync(WebSocketRequest(browser), CancellationToken.None);
        var longLived = await Verifier(WebSocket, ClockAt("20260314T092653Z")).VerifyAsync(
            WebSocketRequest(browser, new Uri(browser.GetProperty("url").GetString()!).Query.TrimStart('?').Replace("X-Amz-Expires=60", "X-Amz-Expires=301", StringComparison.Ordinal)), CancellationToken.None);
        var changedLanguage = await Verifier(WebSocket, ClockAt("20260314T092653Z")).VerifyAsync(
            WebSocketRequest(browser, new Uri(browser.GetProperty("url").GetString()!).Query.TrimStart('?').Replace("en-US", "en-GB", StringComparison.Ordinal)), CancellationToken.None);

        Assert.Equal(("InvalidSignatureException", 403, "Signature expired: 20260314T092653Z plus X-Amz-Expires 60 s is now earlier than 20260314T092754Z."), Rejection(expired));
        Assert.Equal(("IncompleteSignatureException", 400, "X-Amz-Expires must be a whole number of seconds from 1 to 300; it is '301'."), Rejection(longLived));
        Assert.Equal(SigV4Verifier.SignatureMismatch, Rejection(changedLanguage).Message);
    }

    [Fact]
    public async Task WebSocketFrames_SignedByTheNodeBuild_ChainFromThePresignedSignature()
    {
        var node = WebSocket.GetProperty("nodeSigned");
        var verified = Assert.IsType<SigV4Verified>(await Verifier(WebSocket, ClockAt("20260314T092653Z")).VerifyAsync(WebSocketRequest(node), CancellationToken.None));
        var chain = new EventStreamSignatureChain(verified, ClockAt("20260314T092653Z"), TimeSpan.FromMinutes(5));

        var payloads = SdkFixtures.Frames(node).Select(f => chain.Verify(EventStreamCodec.Decode(f))).ToList();

        Assert.True(chain.Ended);
        Assert.Equal(SdkFixtures.AudioChunks(node), payloads.SkipLast(1).Select(p => EventStreamCodec.Decode(p.Span).Payload.ToArray()));
    }

    private static (string ErrorType, int StatusCode, string Message) Rejection(SigV4Result result)
    {
        var rejected = Assert.IsType<SigV4Rejected>(result);
        return (rejected.ErrorType, rejected.StatusCode, rejected.Message);
    }
}
