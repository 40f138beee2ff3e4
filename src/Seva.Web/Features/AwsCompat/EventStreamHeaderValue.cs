using System.Globalization;

namespace Seva.Web.Features.AwsCompat;

/// <summary>The value types of an <c>application/vnd.amazon.eventstream</c> header, by their wire tag.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The format's own names for its value types.")]
public enum EventStreamHeaderType : byte
{
    BoolTrue = 0,
    BoolFalse = 1,
    Byte = 2,
    Short = 3,
    Int = 4,
    Long = 5,
    ByteArray = 6,
    String = 7,
    Timestamp = 8,
    Uuid = 9,
}

/// <summary>One header value of any of the ten wire types; compares by type and value (byte arrays by content).</summary>
public readonly struct EventStreamHeaderValue : IEquatable<EventStreamHeaderValue>
{
    /// <summary>The longest byte array or UTF-8 string a header may hold (the format's 2^15 - 1).</summary>
    public const int MaxVariableLength = short.MaxValue;

    private readonly long _number;
    private readonly object? _reference;
    private readonly Guid _uuid;

    private EventStreamHeaderValue(EventStreamHeaderType type, long number = 0, object? reference = null, Guid uuid = default)
    {
        Type = type;
        _number = number;
        _reference = reference;
        _uuid = uuid;
    }

    public EventStreamHeaderType Type { get; }

    public static EventStreamHeaderValue FromBool(bool value) =>
        new(value ? EventStreamHeaderType.BoolTrue : EventStreamHeaderType.BoolFalse);

    public static EventStreamHeaderValue FromByte(sbyte value) => new(EventStreamHeaderType.Byte, value);

    public static EventStreamHeaderValue FromInt16(short value) => new(EventStreamHeaderType.Short, value);

    public static EventStreamHeaderValue FromInt32(int value) => new(EventStreamHeaderType.Int, value);

    public static EventStreamHeaderValue FromInt64(long value) => new(EventStreamHeaderType.Long, value);

    /// <summary>Copies <paramref name="value"/>; at most <see cref="MaxVariableLength"/> bytes.</summary>
    public static EventStreamHeaderValue FromBytes(ReadOnlySpan<byte> value)
    {
        CheckLength(value.Length, "byte array");
        return new(EventStreamHeaderType.ByteArray, reference: value.ToArray());
    }

    /// <summary>At most <see cref="MaxVariableLength"/> bytes once UTF-8 encoded.</summary>
    public static EventStreamHeaderValue FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        CheckLength(EventStreamCodec.Utf8.GetByteCount(value), "string");
        return new(EventStreamHeaderType.String, reference: value);
    }

    /// <summary>Milliseconds since the Unix epoch, the wire's resolution: sub-millisecond ticks are dropped.</summary>
    public static EventStreamHeaderValue FromTimestamp(DateTimeOffset value) =>
        FromTimestampMilliseconds(value.ToUnixTimeMilliseconds());

    public static EventStreamHeaderValue FromTimestampMilliseconds(long millisecondsSinceEpoch) =>
        new(EventStreamHeaderType.Timestamp, millisecondsSinceEpoch);

    public static EventStreamHeaderValue FromUuid(Guid value) => new(EventStreamHeaderType.Uuid, uuid: value);

    public bool AsBool() => Type switch
    {
        EventStreamHeaderType.BoolTrue => true,
        EventStreamHeaderType.BoolFalse => false,
        _ => throw WrongType("a bool"),
    };

    public sbyte AsByte() => Type == EventStreamHeaderType.Byte ? (sbyte)_number : throw WrongType("a byte");

    public short AsInt16() => Type == EventStreamHeaderType.Short ? (short)_number : throw WrongType("a short");

    public int AsInt32() => Type == EventStreamHeaderType.Int ? (int)_number : throw WrongType("an int");

    public long AsInt64() => Type == EventStreamHeaderType.Long ? _number : throw WrongType("a long");

    public ReadOnlyMemory<byte> AsBytes() =>
        Type == EventStreamHeaderType.ByteArray ? (byte[])_reference! : throw WrongType("a byte array");

    public string AsString() => Type == EventStreamHeaderType.String ? (string)_reference! : throw WrongType("a string");

    /// <summary>The raw wire value; any 64-bit count is valid on the wire, even one no <see cref="DateTimeOffset"/> holds.</summary>
    public long AsTimestampMilliseconds() =>
        Type == EventStreamHeaderType.Timestamp ? _number : throw WrongType("a timestamp");

    public Guid AsUuid() => Type == EventStreamHeaderType.Uuid ? _uuid : throw WrongType("a uuid");

    public bool Equals(EventStreamHeaderValue other) =>
        Type == other.Type && _number == other._number && _uuid == other._uuid && Type switch
        {
            EventStreamHeaderType.ByteArray => ((byte[])_reference!).AsSpan().SequenceEqual((byte[])other._reference!),
            EventStreamHeaderType.String => string.Equals((string)_reference!, (string)other._reference!, StringComparison.Ordinal),
            _ => true,
        };

    public override bool Equals(object? obj) => obj is EventStreamHeaderValue other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Type, _number, _uuid, Type switch
    {
        EventStreamHeaderType.ByteArray => ((byte[])_reference!).Length,
        EventStreamHeaderType.String => StringComparer.Ordinal.GetHashCode((string)_reference!),
        _ => 0,
    });

    public static bool operator ==(EventStreamHeaderValue left, EventStreamHeaderValue right) => left.Equals(right);

    public static bool operator !=(EventStreamHeaderValue left, EventStreamHeaderValue right) => !left.Equals(right);

    public override string ToString() => Type switch
    {
        EventStreamHeaderType.BoolTrue => "true",
        EventStreamHeaderType.BoolFalse => "false",
        EventStreamHeaderType.ByteArray => Convert.ToHexStringLower((byte[])_reference!),
        EventStreamHeaderType.String => (string)_reference!,
        EventStreamHeaderType.Uuid => _uuid.ToString(),
        EventStreamHeaderType.Timestamp => $"{_number} ms",
        _ => _number.ToString(CultureInfo.InvariantCulture),
    };

    private static void CheckLength(int length, string what)
    {
        if (length > MaxVariableLength)
        {
            throw new ArgumentException($"An event-stream header {what} holds at most {MaxVariableLength} bytes; this one has {length}.");
        }
    }

    private InvalidOperationException WrongType(string wanted) =>
        new($"The header value is {Type}, not {wanted}.");
}
