using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Seva.Web.Features.AwsCompat;

namespace Seva.Web.Tests.AwsCompat;

public sealed class AudioEventReaderTests
{
    private static readonly FakeTimeProvider Clock = new(DateTimeOffset.Parse("2026-03-14T09:26:53Z", System.Globalization.CultureInfo.InvariantCulture));

    private static async Task<EventStreamSignatureChain> ChainAsync(JsonElement fixture, SigV4Request request)
    {
        var credentials = fixture.GetProperty("credentials");
        var verifier = SigV4TestSuiteTests.Verifier(Clock, SigV4Policy.Transcribe, credentials.GetProperty("accessKeyId").GetString()!, credentials.GetProperty("secretAccessKey").GetString()!);
        var verified = Assert.IsType<SigV4Verified>(await verifier.VerifyAsync(request, CancellationToken.None));
        return new EventStreamSignatureChain(verified, Clock, TimeSpan.FromMinutes(5));
    }

    private static EventStreamMessage AudioEvent(byte[] audio, string eventType = "AudioEvent") => new(
        [
            new(":event-type", EventStreamHeaderValue.FromString(eventType)),
            new(":message-type", EventStreamHeaderValue.FromString("event")),
            new(":content-type", EventStreamHeaderValue.FromString("application/octet-stream")),
        ],
        audio);

    [Fact]
    public async Task Http2Body_GivesTheSdksAudioInOrder_ThenTheEnd()
    {
        var reader = AudioEventReader.ForSignedStream(await ChainAsync(SdkFixtures.Http2Stream, SdkSignatureTests.Http2Request(SdkFixtures.Http2Stream)));

        var items = new EventStreamDecoder().Feed(SdkFixtures.Bytes("sdk-http2-stream.bin")).Select(reader.Read).ToList();

        Assert.Equal(SdkFixtures.AudioChunks(SdkFixtures.Http2Stream), items.SkipLast(1).Select(i => i.Audio.ToArray()));
        Assert.True(items[^1].IsEnd);
        Assert.True(reader.Ended);
    }

    [Fact]
    public async Task Http2Body_AnUnsignedAudioEventWhereSignedOnesAreDue_IsRefused()
    {
        var reader = AudioEventReader.ForSignedStream(await ChainAsync(SdkFixtures.Http2Stream, SdkSignatureTests.Http2Request(SdkFixtures.Http2Stream)));

        var ex = Assert.Throws<AwsCompatException>(() => reader.Read(AudioEvent([1, 2])));

        Assert.Equal(AwsCompatException.InvalidSignature, ex.ErrorType);
    }

    [Fact]
    public async Task WebSocket_BrowserFrames_AreUnsignedAudioEvents_EndedByTheEmptyFrame()
    {
        var browser = SdkFixtures.WebSocket.GetProperty("browser");
        var reader = AudioEventReader.ForWebSocket(await ChainAsync(SdkFixtures.WebSocket, SdkSignatureTests.WebSocketRequest(browser)));
        var frames = SdkFixtures.Frames(browser);

        var audio = frames.SkipLast(1).Select(f => reader.Read(EventStreamCodec.Decode(f)).Audio.ToArray()).ToList();

        Assert.Equal(SdkFixtures.AudioChunks(browser), audio);
        Assert.Empty(frames[^1]);
        Assert.True(reader.End().IsEnd);
        Assert.Throws<AwsCompatException>(() => reader.Read(AudioEvent([1, 2])));
    }

    [Fact]
    public async Task WebSocket_NodeFrames_AreSignedEnvelopes_CheckedAgainstThePresignedSignature()
    {
        var node = SdkFixtures.WebSocket.GetProperty("nodeSigned");
        var reader = AudioEventReader.ForWebSocket(await ChainAsync(SdkFixtures.WebSocket, SdkSignatureTests.WebSocketRequest(node)));

        var items = SdkFixtures.Frames(node).Select(f => reader.Read(EventStreamCodec.Decode(f))).ToList();

        Assert.Equal(SdkFixtures.AudioChunks(node), items.SkipLast(1).Select(i => i.Audio.ToArray()));
        Assert.True(items[^1].IsEnd);
    }

    [Fact]
    public async Task WebSocket_UnsignedThenSigned_OrAnotherEventType_OrAnEmptyAudioEvent_AreHandled()
    {
        var browser = SdkFixtures.WebSocket.GetProperty("browser");
        var chain = await ChainAsync(SdkFixtures.WebSocket, SdkSignatureTests.WebSocketRequest(browser));
        var mixed = AudioEventReader.ForWebSocket(chain);
        mixed.Read(AudioEvent([1, 2]));
        var signed = EventStreamCodec.Decode(SdkFixtures.Frames(SdkFixtures.WebSocket.GetProperty("nodeSigned"))[0]);
        Assert.Contains("signed throughout or not at all", Assert.Throws<AwsCompatException>(() => mixed.Read(signed)).Message, StringComparison.Ordinal);

        var configuration = AudioEventReader.ForWebSocket(chain);
        var ex = Assert.Throws<AwsCompatException>(() => configuration.Read(AudioEvent([], "ConfigurationEvent")));
        Assert.Equal((AwsCompatException.BadRequest, "Event 1 is :message-type 'event', :event-type 'ConfigurationEvent'; Seva takes AudioEvent events only."), (ex.ErrorType, ex.Message));

        var emptyAudio = AudioEventReader.ForWebSocket(chain);
        Assert.False(emptyAudio.Read(AudioEvent([7])).IsEnd);
        Assert.True(emptyAudio.Read(AudioEvent([])).IsEnd);
        Assert.Contains("after the end", Assert.Throws<AwsCompatException>(() => emptyAudio.Read(AudioEvent([7]))).Message, StringComparison.Ordinal);
    }
}
