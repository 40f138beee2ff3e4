using System.Net.WebSockets;
using System.Threading.Channels;

namespace Seva.Web.Features.WebSockets;

/// <summary>What one WebSocket connection still has to send, in order, bounded in bytes: one writer
/// loop, because a WebSocket allows one send at a time, and callers that only queue.</summary>
/// <remarks>A broadcast hands each event to hundreds of connections in one turn, so handing one over
/// must never wait on a socket. The queue takes the bytes at once; a client that stops reading makes
/// its own queue grow, and past <c>budgetBytes</c> it is refused (the broadcast then drops the
/// connection), so one stuck phone neither slows the others nor holds the server's memory.</remarks>
internal sealed class ClientOutbox(long budgetBytes)
{
    private readonly Channel<Message> _messages = Channel.CreateUnbounded<Message>(new UnboundedChannelOptions { SingleReader = true });
    private long _queuedBytes;
    private int _overflowed;

    /// <summary>Bytes queued and not yet handed to the socket.</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>True once a message was refused for lack of room: the client has fallen behind for good.</summary>
    public bool Overflowed => Volatile.Read(ref _overflowed) == 1;

    /// <summary>Queues a message; false (and nothing queued) when it would take the queue past its budget
    /// or the outbox is closed.</summary>
    public bool TryEnqueue(ReadOnlyMemory<byte> payload, WebSocketMessageType type)
    {
        if (Overflowed)
        {
            return false;
        }

        if (Interlocked.Add(ref _queuedBytes, payload.Length) > budgetBytes)
        {
            Interlocked.Add(ref _queuedBytes, -payload.Length);
            Interlocked.Exchange(ref _overflowed, 1);
            return false;
        }

        if (!_messages.Writer.TryWrite(new Message(payload, type, Close: null, CloseReason: null)))
        {
            Interlocked.Add(ref _queuedBytes, -payload.Length);
            return false;
        }

        return true;
    }

    /// <summary>After what is queued, a close frame (normal unless <paramref name="status"/> says
    /// otherwise); nothing more is queued. Also the answer to a client's close frame.</summary>
    public void CloseAfterQueued(WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure, string? reason = null)
    {
        _messages.Writer.TryWrite(new Message(ReadOnlyMemory<byte>.Empty, WebSocketMessageType.Close, status, reason));
        _messages.Writer.TryComplete();
    }

    /// <summary>Ends the queue; the writer finishes what is queued and stops.</summary>
    public void Complete() => _messages.Writer.TryComplete();

    /// <summary>Sends what is queued, in order, until the outbox completes.</summary>
    public async Task WriteToAsync(WebSocket socket, string closeReason, CancellationToken cancellationToken)
    {
        await foreach (var message in _messages.Reader.ReadAllAsync(cancellationToken))
        {
            Interlocked.Add(ref _queuedBytes, -message.Payload.Length);
            if (message.Close is { } status)
            {
                // Open: the server closes first; CloseReceived: the answer to the client's close frame
                // (without one the client sees 1006, an abnormal end).
                if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    await socket.CloseOutputAsync(status, message.CloseReason ?? closeReason, cancellationToken);
                }

                continue;
            }

            if (socket.State != WebSocketState.Open)
            {
                continue; // the client closed or is gone: what is left is of no use to it
            }

            await socket.SendAsync(message.Payload, message.Type, endOfMessage: true, cancellationToken);
        }
    }

    private readonly record struct Message(ReadOnlyMemory<byte> Payload, WebSocketMessageType Type, WebSocketCloseStatus? Close, string? CloseReason);
}
