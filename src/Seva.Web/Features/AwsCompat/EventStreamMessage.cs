namespace Seva.Web.Features.AwsCompat;

/// <summary>A named header of an event-stream message.</summary>
public sealed record EventStreamHeader(string Name, EventStreamHeaderValue Value);

/// <summary>One <c>application/vnd.amazon.eventstream</c> message: headers in wire order, and a payload.</summary>
public sealed class EventStreamMessage(IReadOnlyList<EventStreamHeader> headers, ReadOnlyMemory<byte> payload)
{
    public IReadOnlyList<EventStreamHeader> Headers { get; } = headers ?? throw new ArgumentNullException(nameof(headers));

    public ReadOnlyMemory<byte> Payload { get; } = payload;

    public bool TryGetHeader(string name, out EventStreamHeaderValue value)
    {
        foreach (var header in Headers)
        {
            if (string.Equals(header.Name, name, StringComparison.Ordinal))
            {
                value = header.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>The value of a string header, or null when it is absent or of another type.</summary>
    public string? GetString(string name) =>
        TryGetHeader(name, out var value) && value.Type == EventStreamHeaderType.String ? value.AsString() : null;
}

/// <summary>What was wrong with the bytes that an event-stream decoder was given.</summary>
public enum EventStreamError
{
    PreludeChecksum,
    MessageChecksum,
    Length,
    Headers,
    Truncated,
}

/// <summary>Bytes that are not a well-formed event stream. The stream cannot be trusted past this point
/// (the format has no way to find the next message), so it must be ended.</summary>
public sealed class EventStreamException(EventStreamError error, string message) : Exception(message)
{
    public EventStreamError Error { get; } = error;
}
