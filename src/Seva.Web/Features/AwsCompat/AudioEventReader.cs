namespace Seva.Web.Features.AwsCompat;

/// <summary>One step of a client's audio stream: audio bytes, or its end.</summary>
public readonly record struct AudioStreamItem(ReadOnlyMemory<byte> Audio, bool IsEnd);

/// <summary>Takes the messages a client sends (each decoded by <see cref="EventStreamDecoder"/> or
/// <see cref="EventStreamCodec.Decode"/>) and gives their audio. Signed streams (HTTP/2; WebSocket from the
/// JS SDK's Node build) are envelopes whose chunk signatures a <see cref="EventStreamSignatureChain"/> checks;
/// unsigned ones (WebSocket from browsers) are the AudioEvents themselves. The end is the empty signed
/// envelope, or an AudioEvent with no audio (what AWS's WebSocket docs tell clients to send); a WebSocket's
/// 0-byte frame ends it too, but that is not a message: the endpoint says so with <see cref="End"/>. Not
/// thread-safe: one reader per stream.</summary>
public sealed class AudioEventReader
{
    private readonly EventStreamSignatureChain? _chain;
    private readonly bool _signedDecidedByFirstMessage;
    private bool _signed;
    private int _count;
    private bool _ended;

    private AudioEventReader(EventStreamSignatureChain? chain, bool signed, bool decidedByFirstMessage)
    {
        _chain = chain;
        _signed = signed;
        _signedDecidedByFirstMessage = decidedByFirstMessage;
    }

    /// <summary>Every message must be a signed envelope (HTTP/2, whose request declared
    /// <c>STREAMING-AWS4-HMAC-SHA256-EVENTS</c>).</summary>
    public static AudioEventReader ForSignedStream(EventStreamSignatureChain chain) =>
        new(chain ?? throw new ArgumentNullException(nameof(chain)), signed: true, decidedByFirstMessage: false);

    /// <summary>WebSocket: signed like HTTP/2 if the first message carries <c>:chunk-signature</c>, then all
    /// must be; otherwise none may be (the presigned URL authenticated the connection).</summary>
    public static AudioEventReader ForWebSocket(EventStreamSignatureChain chain) =>
        new(chain ?? throw new ArgumentNullException(nameof(chain)), signed: false, decidedByFirstMessage: true);

    public bool Ended => _ended;

    /// <exception cref="AwsCompatException">BadRequestException for what is not an AudioEvent or comes after
    /// the end; InvalidSignatureException from the chain.</exception>
    public AudioStreamItem Read(EventStreamMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var number = ++_count;
        if (_ended)
        {
            throw BadRequest($"Event {number} came after the end of the audio stream.");
        }

        if (number == 1 && _signedDecidedByFirstMessage)
        {
            _signed = message.TryGetHeader(EventStreamSignatureChain.SignatureHeader, out _);
        }

        var audioEvent = message;
        if (_signed)
        {
            var payload = _chain!.Verify(message);
            if (payload.IsEmpty)
            {
                return End();
            }

            audioEvent = DecodeInner(number, payload);
        }
        else if (message.TryGetHeader(EventStreamSignatureChain.SignatureHeader, out _))
        {
            throw BadRequest($"Event {number} is signed but the first was not: a stream is signed throughout or not at all.");
        }

        var messageType = audioEvent.GetString(":message-type");
        var eventType = audioEvent.GetString(":event-type");
        if (!string.Equals(messageType, "event", StringComparison.Ordinal) || !string.Equals(eventType, "AudioEvent", StringComparison.Ordinal))
        {
            throw BadRequest($"Event {number} is :message-type '{messageType}', :event-type '{eventType}'; Seva takes AudioEvent events only.");
        }

        return audioEvent.Payload.IsEmpty ? End() : new AudioStreamItem(audioEvent.Payload, IsEnd: false);
    }

    /// <summary>The stream ended without a closing event (a WebSocket's 0-byte frame).</summary>
    public AudioStreamItem End()
    {
        _ended = true;
        return new AudioStreamItem(ReadOnlyMemory<byte>.Empty, IsEnd: true);
    }

    private static EventStreamMessage DecodeInner(int number, ReadOnlyMemory<byte> payload)
    {
        try
        {
            return EventStreamCodec.Decode(payload.Span);
        }
        catch (EventStreamException ex)
        {
            throw BadRequest($"Event {number} is signed, but what it signs is not an event-stream message: {ex.Message}");
        }
    }

    private static AwsCompatException BadRequest(string message) => new(AwsCompatException.BadRequest, message);
}
