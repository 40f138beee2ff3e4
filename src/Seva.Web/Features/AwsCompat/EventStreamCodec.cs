using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Seva.Web.Features.AwsCompat;

/// <summary>Encodes and decodes whole <c>application/vnd.amazon.eventstream</c> messages: a 12-byte prelude
/// (total length, headers length, CRC32 of those 8 bytes), the headers, the payload, and a CRC32 of
/// everything before it, all big-endian (Smithy's "Amazon Event Stream Specification"). Pure and thread-safe.
/// <see cref="EventStreamDecoder"/> cuts a byte stream into messages with these rules.</summary>
public static class EventStreamCodec
{
    public const int PreludeLength = 12;

    /// <summary>Prelude plus the trailing message CRC: the size of a message with no headers and no payload.</summary>
    public const int OverheadLength = PreludeLength + 4;

    /// <summary>The spec's limit on encoded headers (128 kB), which services must enforce.</summary>
    public const int MaxHeadersLength = 128 * 1024;

    /// <summary>The spec's limit on a payload (24 MB), which services must enforce.</summary>
    public const int MaxPayloadLength = 24 * 1024 * 1024;

    /// <summary>UTF-8 that throws on malformed bytes rather than decoding them to U+FFFD.</summary>
    internal static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] Encode(EventStreamMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var headersLength = HeadersLength(message.Headers);
        if (headersLength > MaxHeadersLength || message.Payload.Length > MaxPayloadLength)
        {
            throw new ArgumentException($"An event-stream message holds at most {MaxHeadersLength} bytes of headers and {MaxPayloadLength} of payload; this one has {headersLength} and {message.Payload.Length}.", nameof(message));
        }

        var total = OverheadLength + headersLength + message.Payload.Length;
        var bytes = new byte[total];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)total);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), (uint)headersLength);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(8), Crc32.HashToUInt32(bytes.AsSpan(0, 8)));
        WriteHeaders(message.Headers, bytes.AsSpan(PreludeLength, headersLength));
        message.Payload.Span.CopyTo(bytes.AsSpan(PreludeLength + headersLength));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(total - 4), Crc32.HashToUInt32(bytes.AsSpan(0, total - 4)));
        return bytes;
    }

    /// <summary>The headers as they are laid out inside a message (what a chunk signature hashes).</summary>
    public static byte[] EncodeHeaders(IReadOnlyList<EventStreamHeader> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var bytes = new byte[HeadersLength(headers)];
        WriteHeaders(headers, bytes);
        return bytes;
    }

    /// <summary>Decodes exactly one message (a WebSocket frame, say); the payload stays a slice of a copy.</summary>
    /// <exception cref="EventStreamException">The bytes are not exactly one well-formed message.</exception>
    public static EventStreamMessage Decode(ReadOnlySpan<byte> bytes, int maxPayloadLength = MaxPayloadLength)
    {
        if (bytes.Length < PreludeLength)
        {
            throw new EventStreamException(EventStreamError.Truncated, $"An event-stream message needs at least {OverheadLength} bytes; {bytes.Length} were given.");
        }

        var total = ReadPrelude(bytes[..PreludeLength], maxPayloadLength).Total;
        if (bytes.Length != total)
        {
            throw bytes.Length < total
                ? new EventStreamException(EventStreamError.Truncated, $"The event-stream message is {total} bytes long; only {bytes.Length} were given.")
                : new EventStreamException(EventStreamError.Length, $"The event-stream message is {total} bytes long, but {bytes.Length} were given: a frame holds one message.");
        }

        return DecodeChecked(bytes.ToArray());
    }

    /// <summary>Checks the prelude CRC, then the lengths it declares.</summary>
    internal static (int Total, int HeadersLength) ReadPrelude(ReadOnlySpan<byte> prelude, int maxPayloadLength)
    {
        var declared = BinaryPrimitives.ReadUInt32BigEndian(prelude[8..]);
        var actual = Crc32.HashToUInt32(prelude[..8]);
        if (declared != actual)
        {
            throw new EventStreamException(EventStreamError.PreludeChecksum, $"Event-stream prelude CRC mismatch: the message says {declared:x8}, its first 8 bytes give {actual:x8}.");
        }

        var total = BinaryPrimitives.ReadUInt32BigEndian(prelude);
        var headers = BinaryPrimitives.ReadUInt32BigEndian(prelude[4..]);
        if (total < OverheadLength)
        {
            throw new EventStreamException(EventStreamError.Length, $"Event-stream message length {total} is below the {OverheadLength}-byte minimum.");
        }

        if (headers > total - OverheadLength)
        {
            throw new EventStreamException(EventStreamError.Length, $"Event-stream headers length {headers} does not fit in a message of {total} bytes.");
        }

        if (headers > MaxHeadersLength)
        {
            throw new EventStreamException(EventStreamError.Length, $"Event-stream headers length {headers} is over the {MaxHeadersLength}-byte limit.");
        }

        var payload = total - OverheadLength - headers;
        if (payload > (uint)maxPayloadLength)
        {
            throw new EventStreamException(EventStreamError.Length, $"Event-stream payload length {payload} is over the {maxPayloadLength}-byte limit.");
        }

        return ((int)total, (int)headers);
    }

    /// <summary>Decodes a whole message whose prelude <see cref="ReadPrelude"/> accepted; keeps <paramref name="message"/>.</summary>
    internal static EventStreamMessage DecodeChecked(byte[] message)
    {
        var declared = BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(message.Length - 4));
        var actual = Crc32.HashToUInt32(message.AsSpan(0, message.Length - 4));
        if (declared != actual)
        {
            throw new EventStreamException(EventStreamError.MessageChecksum, $"Event-stream message CRC mismatch: the message says {declared:x8}, its {message.Length - 4} bytes give {actual:x8}.");
        }

        var headersLength = (int)BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(4));
        var headers = ReadHeaders(message.AsSpan(PreludeLength, headersLength));
        var payloadStart = PreludeLength + headersLength;
        return new EventStreamMessage(headers, message.AsMemory(payloadStart, message.Length - 4 - payloadStart));
    }

    private static List<EventStreamHeader> ReadHeaders(ReadOnlySpan<byte> span)
    {
        var headers = new List<EventStreamHeader>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var position = 0;
        while (position < span.Length)
        {
            int nameLength = span[position++];
            if (nameLength == 0)
            {
                throw BadHeaders($"a header at byte {position - 1} has an empty name");
            }

            var name = ReadUtf8(Take(span, ref position, nameLength, "a header name"), "a header name");
            var what = $"header '{name}'";
            var type = Take(span, ref position, 1, what)[0];
            var value = (EventStreamHeaderType)type switch
            {
                EventStreamHeaderType.BoolTrue => EventStreamHeaderValue.FromBool(true),
                EventStreamHeaderType.BoolFalse => EventStreamHeaderValue.FromBool(false),
                EventStreamHeaderType.Byte => EventStreamHeaderValue.FromByte((sbyte)Take(span, ref position, 1, what)[0]),
                EventStreamHeaderType.Short => EventStreamHeaderValue.FromInt16(BinaryPrimitives.ReadInt16BigEndian(Take(span, ref position, 2, what))),
                EventStreamHeaderType.Int => EventStreamHeaderValue.FromInt32(BinaryPrimitives.ReadInt32BigEndian(Take(span, ref position, 4, what))),
                EventStreamHeaderType.Long => EventStreamHeaderValue.FromInt64(BinaryPrimitives.ReadInt64BigEndian(Take(span, ref position, 8, what))),
                EventStreamHeaderType.ByteArray => EventStreamHeaderValue.FromBytes(TakeVariable(span, ref position, what)),
                EventStreamHeaderType.String => EventStreamHeaderValue.FromString(ReadUtf8(TakeVariable(span, ref position, what), what)),
                EventStreamHeaderType.Timestamp => EventStreamHeaderValue.FromTimestampMilliseconds(BinaryPrimitives.ReadInt64BigEndian(Take(span, ref position, 8, what))),
                EventStreamHeaderType.Uuid => EventStreamHeaderValue.FromUuid(new Guid(Take(span, ref position, 16, what), bigEndian: true)),
                _ => throw BadHeaders($"{what} has value type {type}, which the format does not define (0-9)"),
            };

            if (!names.Add(name))
            {
                throw BadHeaders($"header '{name}' appears twice");
            }

            headers.Add(new EventStreamHeader(name, value));
        }

        return headers;
    }

    private static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> span, ref int position, int length, string what)
    {
        if (span.Length - position < length)
        {
            throw BadHeaders($"{what} runs past the end of the headers");
        }

        var taken = span.Slice(position, length);
        position += length;
        return taken;
    }

    private static ReadOnlySpan<byte> TakeVariable(ReadOnlySpan<byte> span, ref int position, string what)
    {
        int length = BinaryPrimitives.ReadUInt16BigEndian(Take(span, ref position, 2, what));
        if (length > EventStreamHeaderValue.MaxVariableLength)
        {
            throw BadHeaders($"{what} declares {length} value bytes, over the format's {EventStreamHeaderValue.MaxVariableLength}");
        }

        return Take(span, ref position, length, what);
    }

    private static string ReadUtf8(ReadOnlySpan<byte> bytes, string what)
    {
        try
        {
            return Utf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw BadHeaders($"{what} is not valid UTF-8");
        }
    }

    private static EventStreamException BadHeaders(string detail) =>
        new(EventStreamError.Headers, $"Malformed event-stream headers: {detail}.");

    private static int HeadersLength(IReadOnlyList<EventStreamHeader> headers)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var length = 0;
        foreach (var header in headers)
        {
            var nameLength = Utf8.GetByteCount(header.Name);
            if (nameLength is 0 or > byte.MaxValue)
            {
                throw new ArgumentException($"An event-stream header name is 1 to 255 UTF-8 bytes; '{header.Name}' has {nameLength}.");
            }

            if (!names.Add(header.Name))
            {
                throw new ArgumentException($"Event-stream header '{header.Name}' is given twice; a message holds each name once.");
            }

            length += 1 + nameLength + 1 + ValueLength(header.Value);
        }

        return length;
    }

    private static int ValueLength(EventStreamHeaderValue value) => value.Type switch
    {
        EventStreamHeaderType.BoolTrue or EventStreamHeaderType.BoolFalse => 0,
        EventStreamHeaderType.Byte => 1,
        EventStreamHeaderType.Short => 2,
        EventStreamHeaderType.Int => 4,
        EventStreamHeaderType.Long or EventStreamHeaderType.Timestamp => 8,
        EventStreamHeaderType.Uuid => 16,
        EventStreamHeaderType.ByteArray => 2 + value.AsBytes().Length,
        EventStreamHeaderType.String => 2 + Utf8.GetByteCount(value.AsString()),
        _ => throw new ArgumentOutOfRangeException(nameof(value), value.Type, "Not an event-stream header type."),
    };

    private static void WriteHeaders(IReadOnlyList<EventStreamHeader> headers, Span<byte> span)
    {
        var position = 0;
        foreach (var header in headers)
        {
            var nameLength = Utf8.GetBytes(header.Name, span[(position + 1)..]);
            span[position] = (byte)nameLength;
            position += 1 + nameLength;
            var value = header.Value;
            span[position++] = (byte)value.Type;
            var rest = span[position..];
            switch (value.Type)
            {
                case EventStreamHeaderType.Byte:
                    rest[0] = (byte)value.AsByte();
                    break;
                case EventStreamHeaderType.Short:
                    BinaryPrimitives.WriteInt16BigEndian(rest, value.AsInt16());
                    break;
                case EventStreamHeaderType.Int:
                    BinaryPrimitives.WriteInt32BigEndian(rest, value.AsInt32());
                    break;
                case EventStreamHeaderType.Long:
                    BinaryPrimitives.WriteInt64BigEndian(rest, value.AsInt64());
                    break;
                case EventStreamHeaderType.Timestamp:
                    BinaryPrimitives.WriteInt64BigEndian(rest, value.AsTimestampMilliseconds());
                    break;
                case EventStreamHeaderType.Uuid:
                    value.AsUuid().TryWriteBytes(rest, bigEndian: true, out _);
                    break;
                case EventStreamHeaderType.ByteArray:
                    BinaryPrimitives.WriteUInt16BigEndian(rest, (ushort)value.AsBytes().Length);
                    value.AsBytes().Span.CopyTo(rest[2..]);
                    break;
                case EventStreamHeaderType.String:
                    BinaryPrimitives.WriteUInt16BigEndian(rest, (ushort)Utf8.GetBytes(value.AsString(), rest[2..]));
                    break;
            }

            position += ValueLength(value);
        }
    }
}
