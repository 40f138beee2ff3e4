using System.Buffers.Binary;
using System.Text;
using Seva.Web.Features.AwsCompat;

namespace Seva.Web.Tests.AwsCompat;

public sealed class EventStreamCodecTests
{
    [Fact]
    public void Decode_MessageTheSdkEncodedWithEveryHeaderType_ReadsEachValue_AndReencodesByteForByte()
    {
        var bytes = SdkFixtures.Bytes("sdk-all-header-types.bin");
        var expected = SdkFixtures.Json("sdk-all-header-types.json");

        var message = EventStreamCodec.Decode(bytes);

        var values = message.Headers.ToDictionary(h => h.Name, h => h.Value);
        Assert.Equal(10, values.Count);
        Assert.True(values[":true"].AsBool());
        Assert.False(values[":false"].AsBool());
        Assert.Equal(-5, values["byte"].AsByte());
        Assert.Equal(-12345, values["short"].AsInt16());
        Assert.Equal(40972, values["integer"].AsInt32());
        Assert.Equal(-1234567890123L, values["long"].AsInt64());
        Assert.Equal(new byte[] { 0, 1, 2, 253, 254, 255 }, values["binary"].AsBytes().ToArray());
        Assert.Equal("héllo ✓", values["string"].AsString());
        Assert.Equal(DateTimeOffset.Parse("2026-03-14T09:26:53.589Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(), values["timestamp"].AsTimestampMilliseconds());
        Assert.Equal(Guid.Parse("6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab"), values["uuid"].AsUuid());
        Assert.Equal(Convert.FromBase64String(expected.GetProperty("payloadBase64").GetString()!), message.Payload.ToArray());
        Assert.Equal(expected.GetProperty("headers").EnumerateArray().Select(h => h.GetProperty("name").GetString()), message.Headers.Select(h => h.Name));
        Assert.Equal(bytes, EventStreamCodec.Encode(message));
    }

    [Fact]
    public void Decoder_TheSdksHttp2Body_GivesThreeSignedAudioEnvelopesThenAnEmptyOne()
    {
        var body = SdkFixtures.Bytes("sdk-http2-stream.bin");
        var audio = SdkFixtures.AudioChunks(SdkFixtures.Http2Stream);

        var decoder = new EventStreamDecoder();
        var envelopes = decoder.Feed(body);
        decoder.Complete();

        Assert.Equal(audio.Count + 1, envelopes.Count);
        Assert.All(envelopes, e => Assert.Equal([":date", ":chunk-signature"], e.Headers.Select(h => h.Name)));
        Assert.All(envelopes, e => Assert.Equal(32, e.Headers[1].Value.AsBytes().Length));
        for (var i = 0; i < audio.Count; i++)
        {
            var inner = EventStreamCodec.Decode(envelopes[i].Payload.Span);
            Assert.Equal("event", inner.GetString(":message-type"));
            Assert.Equal("AudioEvent", inner.GetString(":event-type"));
            Assert.Equal("application/octet-stream", inner.GetString(":content-type"));
            Assert.Equal(audio[i], inner.Payload.ToArray());
        }

        Assert.True(envelopes[^1].Payload.IsEmpty);
        Assert.Equal(body, envelopes.SelectMany(EventStreamCodec.Encode).ToArray());
    }

    [Fact]
    public void Decode_EachWebSocketFrameTheBrowserBuildSends_IsOneAudioEvent_AndTheLastFrameIsEmpty()
    {
        var browser = SdkFixtures.WebSocket.GetProperty("browser");
        var frames = SdkFixtures.Frames(browser);
        var audio = SdkFixtures.AudioChunks(browser);

        Assert.Equal(audio.Count + 1, frames.Count);
        Assert.Empty(frames[^1]);
        for (var i = 0; i < audio.Count; i++)
        {
            var message = EventStreamCodec.Decode(frames[i]);
            Assert.Equal("AudioEvent", message.GetString(":event-type"));
            Assert.Equal(audio[i], message.Payload.ToArray());
        }
    }

    [Theory]
    [InlineData(15u, 0u, "below the 16-byte minimum")]
    [InlineData(20u, 5u, "does not fit in a message of 20 bytes")]
    [InlineData(200_000u, 131_073u, "over the 131072-byte limit")]
    [InlineData(117u, 0u, "payload length 101 is over the 100-byte limit")]
    public void Decoder_PreludeWithLengthsOutOfRange_IsRefusedAtTheTwelfthByte(uint total, uint headers, string reason)
    {
        var prelude = new byte[12];
        EventStreamCodecProperties.WritePrelude(prelude, total, headers);
        var decoder = new EventStreamDecoder(maxPayloadLength: 100);

        Assert.Empty(decoder.Feed(prelude.AsSpan(0, 11)));
        var ex = Assert.Throws<EventStreamException>(() => decoder.Feed(prelude.AsSpan(11)));

        Assert.Equal(EventStreamError.Length, ex.Error);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decoder_PreludeClaimingFourGigabytes_IsRefusedWithoutAllocatingIt()
    {
        var prelude = new byte[12];
        EventStreamCodecProperties.WritePrelude(prelude, uint.MaxValue, 0);
        var decoder = new EventStreamDecoder();
        var before = GC.GetAllocatedBytesForCurrentThread();

        var ex = Assert.Throws<EventStreamException>(() => decoder.Feed(prelude));

        Assert.Equal(EventStreamError.Length, ex.Error);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024);
    }

    [Fact]
    public void Decoder_MessageAtThePayloadLimit_IsAccepted_OneByteMoreIsNot()
    {
        var atLimit = EventStreamCodec.Encode(new EventStreamMessage([], new byte[100]));
        var overLimit = EventStreamCodec.Encode(new EventStreamMessage([], new byte[101]));

        Assert.Single(new EventStreamDecoder(maxPayloadLength: 100).Feed(atLimit));
        Assert.Equal(EventStreamError.Length, Assert.Throws<EventStreamException>(() => new EventStreamDecoder(maxPayloadLength: 100).Feed(overLimit)).Error);
    }

    [Fact]
    public void Decode_TwoMessagesInOneFrame_IsRefused()
    {
        var one = EventStreamCodec.Encode(new EventStreamMessage([], "x"u8.ToArray()));
        var ex = Assert.Throws<EventStreamException>(() => EventStreamCodec.Decode([.. one, .. one]));
        Assert.Contains("a frame holds one message", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0 }, "empty name")]
    [InlineData(new byte[] { 1, (byte)'a', 10 }, "value type 10")]
    [InlineData(new byte[] { 1, (byte)'a', 7, 0, 5, (byte)'x' }, "runs past the end")]
    [InlineData(new byte[] { 1, (byte)'a', 7, 0x80, 0, (byte)'x' }, "declares 32768 value bytes")]
    [InlineData(new byte[] { 1, 0xff, 0 }, "not valid UTF-8")]
    [InlineData(new byte[] { 1, (byte)'a', 0, 1, (byte)'a', 1 }, "appears twice")]
    public void Decode_MalformedHeadersInsideValidFraming_SaysWhatIsWrong(byte[] headers, string reason)
    {
        var ex = Assert.Throws<EventStreamException>(() => EventStreamCodec.Decode(EventStreamCodecProperties.Frame(headers, [])));
        Assert.Equal(EventStreamError.Headers, ex.Error);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_HeaderNameOver255BytesOrGivenTwice_IsRefused()
    {
        var value = EventStreamHeaderValue.FromBool(true);
        Assert.Throws<ArgumentException>(() => EventStreamCodec.Encode(new EventStreamMessage([new(new string('n', 256), value)], default)));
        Assert.Throws<ArgumentException>(() => EventStreamCodec.Encode(new EventStreamMessage([new("a", value), new("a", value)], default)));
        Assert.Throws<ArgumentException>(() => EventStreamHeaderValue.FromString(new string('s', 32768)));
        Assert.Equal(32767 + 2 + 3, EventStreamCodec.EncodeHeaders([new("s", EventStreamHeaderValue.FromBytes(new byte[32767]))]).Length);
    }

    [Fact]
    public void Encode_EmptyMessage_IsTheSixteenBytesOfTheFormatsOwnExample()
    {
        // The format's published "empty_message" vector: length 16, no headers, and its two CRCs.
        var bytes = EventStreamCodec.Encode(new EventStreamMessage([], default));
        Assert.Equal(Convert.FromHexString("000000100000000005c248eb7d98c8ff"), bytes);
        Assert.Equal(16u, BinaryPrimitives.ReadUInt32BigEndian(bytes));
        Assert.Equal("x", Encoding.UTF8.GetString(EventStreamCodec.Decode(EventStreamCodec.Encode(new EventStreamMessage([], "x"u8.ToArray()))).Payload.Span));
    }
}
