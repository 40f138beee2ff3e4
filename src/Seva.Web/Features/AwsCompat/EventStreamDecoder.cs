namespace Seva.Web.Features.AwsCompat;

/// <summary>Cuts a byte stream that arrives in arbitrary pieces (HTTP/2 DATA frames, WebSocket frames) into
/// event-stream messages. It holds at most one message: the 12-byte prelude is checked (CRC, then lengths
/// against <paramref name="maxPayloadLength"/> and the 128 kB header limit) before the message's buffer is
/// allocated, so a bad length never makes it allocate. After it has thrown, the stream is not trusted and
/// every further call throws. Not thread-safe: one reader feeds it.</summary>
public sealed class EventStreamDecoder(int maxPayloadLength = EventStreamCodec.MaxPayloadLength)
{
    private readonly byte[] _prelude = new byte[EventStreamCodec.PreludeLength];
    private int _preludeFilled;
    private byte[]? _message;
    private int _messageFilled;
    private EventStreamException? _fault;

    /// <summary>True when bytes of an unfinished message are held: ending the stream now would truncate it.</summary>
    public bool HasPartialMessage => _preludeFilled > 0 || _message is not null;

    /// <summary>Takes the next piece of the stream; returns the messages it completed, in order (often none).</summary>
    /// <exception cref="EventStreamException">The stream is malformed (CRC, lengths, headers).</exception>
    public IReadOnlyList<EventStreamMessage> Feed(ReadOnlySpan<byte> chunk)
    {
        ThrowIfFaulted();
        List<EventStreamMessage>? completed = null;
        try
        {
            while (!chunk.IsEmpty)
            {
                if (_message is null && !TakePrelude(ref chunk))
                {
                    break;
                }

                var take = Math.Min(_message!.Length - _messageFilled, chunk.Length);
                chunk[..take].CopyTo(_message.AsSpan(_messageFilled));
                _messageFilled += take;
                chunk = chunk[take..];
                if (_messageFilled == _message.Length)
                {
                    var whole = _message;
                    _message = null;
                    (completed ??= []).Add(EventStreamCodec.DecodeChecked(whole));
                }
            }
        }
        catch (EventStreamException ex)
        {
            _fault = ex;
            throw;
        }

        return completed ?? (IReadOnlyList<EventStreamMessage>)[];
    }

    /// <summary>Says the stream has ended.</summary>
    /// <exception cref="EventStreamException">It ended inside a message.</exception>
    public void Complete()
    {
        ThrowIfFaulted();
        if (HasPartialMessage)
        {
            var received = _message is null ? _preludeFilled : _messageFilled;
            var expected = _message is null ? "at least 16" : _message.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _fault = new EventStreamException(EventStreamError.Truncated, $"The event stream ended inside a message: {received} of its {expected} bytes arrived.");
            throw _fault;
        }
    }

    private bool TakePrelude(ref ReadOnlySpan<byte> chunk)
    {
        var take = Math.Min(_prelude.Length - _preludeFilled, chunk.Length);
        chunk[..take].CopyTo(_prelude.AsSpan(_preludeFilled));
        _preludeFilled += take;
        chunk = chunk[take..];
        if (_preludeFilled < _prelude.Length)
        {
            return false;
        }

        var (total, _) = EventStreamCodec.ReadPrelude(_prelude, maxPayloadLength);
        _message = new byte[total];
        _prelude.CopyTo(_message, 0);
        _messageFilled = _prelude.Length;
        _preludeFilled = 0;
        return true;
    }

    private void ThrowIfFaulted()
    {
        if (_fault is not null)
        {
            throw new EventStreamException(_fault.Error, $"The event stream is already broken: {_fault.Message}");
        }
    }
}
