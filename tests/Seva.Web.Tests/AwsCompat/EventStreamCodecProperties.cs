using System.Buffers.Binary;
using System.IO.Hashing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Seva.Web.Features.AwsCompat;

namespace Seva.Web.Tests.AwsCompat;

public sealed class EventStreamCodecProperties
{
    private static readonly string[] TextPieces = ["a", "Z", "0", " ", ":", "-", "é", "日", "😀", "\u0000"];

    private static Gen<byte[]> Bytes(int max) =>
        Gen.Choose(0, max).SelectMany(n => Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), n));

    private static Gen<string> Text(int min, int max) =>
        Gen.Choose(min, max).SelectMany(n => Gen.ArrayOf(Gen.Elements(TextPieces), n)).Select(string.Concat);

    private static Gen<EventStreamHeaderValue> Values() => Gen.OneOf(
        ArbMap.Default.GeneratorFor<bool>().Select(EventStreamHeaderValue.FromBool),
        ArbMap.Default.GeneratorFor<sbyte>().Select(EventStreamHeaderValue.FromByte),
        ArbMap.Default.GeneratorFor<short>().Select(EventStreamHeaderValue.FromInt16),
        ArbMap.Default.GeneratorFor<int>().Select(EventStreamHeaderValue.FromInt32),
        ArbMap.Default.GeneratorFor<long>().Select(EventStreamHeaderValue.FromInt64),
        Bytes(40).Select(b => EventStreamHeaderValue.FromBytes(b)),
        Text(0, 20).Select(EventStreamHeaderValue.FromString),
        ArbMap.Default.GeneratorFor<long>().Select(EventStreamHeaderValue.FromTimestampMilliseconds),
        ArbMap.Default.GeneratorFor<Guid>().Select(EventStreamHeaderValue.FromUuid));

    internal static Gen<EventStreamMessage> Messages() =>
        from count in Gen.Choose(0, 6)
        from names in Gen.ArrayOf(Text(1, 12), count)
        from values in Gen.ArrayOf(Values(), count)
        from payload in Bytes(300)
        select new EventStreamMessage(
            names.Distinct(StringComparer.Ordinal).Zip(values, (n, v) => new EventStreamHeader(n, v)).ToList(), payload);

    private static Gen<int[]> ChunkSizes() => Gen.ArrayOf(Gen.Choose(1, 64));

    /// <summary>Feeds <paramref name="stream"/> in pieces of the given sizes (cycled), then completes it.</summary>
    private static void FeedInChunks(EventStreamDecoder decoder, byte[] stream, int[] sizes, List<EventStreamMessage> decoded)
    {
        var offset = 0;
        for (var i = 0; offset < stream.Length; i++)
        {
            var size = sizes.Length == 0 ? stream.Length : Math.Min(sizes[i % sizes.Length], stream.Length - offset);
            decoded.AddRange(decoder.Feed(stream.AsSpan(offset, size)));
            offset += size;
        }

        decoder.Complete();
    }

    internal static void AssertSameMessage(EventStreamMessage expected, EventStreamMessage actual)
    {
        Assert.Equal(expected.Headers, actual.Headers);
        Assert.Equal(expected.Payload.ToArray(), actual.Payload.ToArray());
    }

    [Property(MaxTest = 300)]
    public Property EncodeThenDecode_GivesBackEveryHeaderAndThePayload() => Prop.ForAll(Messages().ToArbitrary(), message =>
    {
        var bytes = EventStreamCodec.Encode(message);
        AssertSameMessage(message, EventStreamCodec.Decode(bytes));
        Assert.Equal((uint)bytes.Length, BinaryPrimitives.ReadUInt32BigEndian(bytes));
    });

    [Property(MaxTest = 200)]
    public Property Decoder_FedAnyChunking_YieldsTheSameMessagesAsTheWholeStream() => Prop.ForAll(
        Gen.NonEmptyListOf(Messages()).Select(m => m.Take(5).ToArray()).ToArbitrary(), ChunkSizes().ToArbitrary(), (messages, sizes) =>
        {
            var decoded = new List<EventStreamMessage>();
            FeedInChunks(new EventStreamDecoder(), messages.SelectMany(EventStreamCodec.Encode).ToArray(), sizes, decoded);
            Assert.Equal(messages.Length, decoded.Count);
            for (var i = 0; i < messages.Length; i++)
            {
                AssertSameMessage(messages[i], decoded[i]);
            }
        });

    [Property(MaxTest = 500)]
    public Property AnySingleFlippedBit_IsReportedAsAChecksumError_NeverAsAMessage() => Prop.ForAll(
        Messages().SelectMany(m => Gen.Choose(0, (EventStreamCodec.Encode(m).Length * 8) - 1).Select(bit => (m, bit))).ToArbitrary(),
        ChunkSizes().ToArbitrary(),
        (c, sizes) =>
        {
            var good = EventStreamCodec.Encode(c.m);
            var bad = (byte[])good.Clone();
            bad[c.bit / 8] ^= (byte)(1 << (c.bit % 8));
            var expected = c.bit / 8 < EventStreamCodec.PreludeLength ? EventStreamError.PreludeChecksum : EventStreamError.MessageChecksum;

            Assert.Equal(expected, Assert.Throws<EventStreamException>(() => EventStreamCodec.Decode(bad)).Error);

            // In a stream, the good message before it still arrives; nothing after the flip does.
            var stream = good.Concat(bad).Concat(good).ToArray();
            var decoder = new EventStreamDecoder();
            var decoded = new List<EventStreamMessage>();
            var ex = Assert.Throws<EventStreamException>(() => FeedInChunks(decoder, stream, sizes, decoded));
            Assert.Equal(expected, ex.Error);
            Assert.True(decoded.Count <= 1);
            Assert.All(decoded, m => AssertSameMessage(c.m, m));
            Assert.Throws<EventStreamException>(() => decoder.Feed([0]));
        });

    [Property(MaxTest = 500)]
    public Property RandomHeaderBytesInsideValidFraming_DecodeToHeadersThatReencodeExactly_OrAreRefusedAsHeaders() => Prop.ForAll(
        Bytes(60).ToArbitrary(), Bytes(20).ToArbitrary(), (headers, payload) =>
        {
            var raw = Frame(headers, payload);
            try
            {
                var message = EventStreamCodec.Decode(raw);
                Assert.Equal(raw, EventStreamCodec.Encode(message));
            }
            catch (EventStreamException ex)
            {
                Assert.Equal(EventStreamError.Headers, ex.Error);
            }
        });

    [Property(MaxTest = 300)]
    public Property RandomBytes_AreRefusedWithAnEventStreamException() => Prop.ForAll(Bytes(200).ToArbitrary(), bytes =>
    {
        var decoder = new EventStreamDecoder();
        var ex = Record.Exception(() =>
        {
            decoder.Feed(bytes);
            decoder.Complete();
        });
        Assert.True(bytes.Length == 0 ? ex is null : ex is EventStreamException, $"{ex?.GetType().Name}: {ex?.Message}");
        Assert.IsType<EventStreamException>(Record.Exception(() => EventStreamCodec.Decode(bytes)));
    });

    [Property(MaxTest = 100)]
    public Property StreamEndingInsideAMessage_IsReportedAsTruncated() => Prop.ForAll(
        Messages().SelectMany(m => Gen.Choose(1, EventStreamCodec.Encode(m).Length - 1).Select(cut => (m, cut))).ToArbitrary(), c =>
        {
            var bytes = EventStreamCodec.Encode(c.m);
            var decoder = new EventStreamDecoder();
            Assert.Empty(decoder.Feed(bytes.AsSpan(0, bytes.Length - c.cut)));
            Assert.True(decoder.HasPartialMessage);
            var ex = Assert.Throws<EventStreamException>(decoder.Complete);
            Assert.Equal(EventStreamError.Truncated, ex.Error);
            Assert.Contains("ended inside a message", ex.Message, StringComparison.Ordinal);
        });

    /// <summary>A message with arbitrary header bytes and correct lengths and CRCs.</summary>
    internal static byte[] Frame(byte[] headers, byte[] payload)
    {
        var total = EventStreamCodec.OverheadLength + headers.Length + payload.Length;
        var bytes = new byte[total];
        WritePrelude(bytes, (uint)total, (uint)headers.Length);
        headers.CopyTo(bytes, 12);
        payload.CopyTo(bytes, 12 + headers.Length);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(total - 4), Crc32.HashToUInt32(bytes.AsSpan(0, total - 4)));
        return bytes;
    }

    internal static void WritePrelude(Span<byte> bytes, uint total, uint headers)
    {
        BinaryPrimitives.WriteUInt32BigEndian(bytes, total);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[4..], headers);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[8..], Crc32.HashToUInt32(bytes[..8]));
    }
}
