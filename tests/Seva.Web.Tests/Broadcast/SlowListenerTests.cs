using System.Net.WebSockets;
using Microsoft.Extensions.Logging.Abstractions;
using Seva.Actors.Broadcast;
using Seva.Web.Features.Broadcast;
using Seva.Web.Features.WebSockets;

namespace Seva.Web.Tests.Broadcast;

/// <summary>A broadcast connection whose client stops reading: it is bounded, then dropped, and the
/// broadcast's turn never waits on it.</summary>
public sealed class SlowListenerTests
{
    private const int Budget = 64 * 1024;

    [Fact]
    public void Outbox_RefusesPastItsBudget_AndStaysRefusing()
    {
        var outbox = new ClientOutbox(1000);
        Assert.True(outbox.TryEnqueue(new byte[600], WebSocketMessageType.Text));
        Assert.False(outbox.TryEnqueue(new byte[600], WebSocketMessageType.Text));
        Assert.True(outbox.Overflowed);
        Assert.Equal(600, outbox.QueuedBytes);
        Assert.False(outbox.TryEnqueue(new byte[10], WebSocketMessageType.Text)); // behind for good
    }

    [Fact]
    public async Task Outbox_SendsInOrder_AndFreesWhatItSent()
    {
        var outbox = new ClientOutbox(1000);
        var socket = new StalledSocket(stall: false);
        outbox.TryEnqueue("a"u8.ToArray(), WebSocketMessageType.Text);
        outbox.TryEnqueue(new byte[] { 1, 2 }, WebSocketMessageType.Binary);
        outbox.CloseAfterQueued();
        await outbox.WriteToAsync(socket, "over", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal([(WebSocketMessageType.Text, 1), (WebSocketMessageType.Binary, 2)], socket.Sent);
        Assert.Equal(0, outbox.QueuedBytes);
        Assert.True(socket.ClosedOutput);
    }

    [Fact]
    public void ListenerThatStopsReading_IsDroppedOnceItsQueueIsFull_WithoutBlockingTheCaller()
    {
        // Nothing drains the queue here: the writer is stuck on a socket the client does not read.
        var socket = new StalledSocket(stall: true);
        using var connection = Connection(socket);
        var client = connection;
        var caption = new Caption(false, new string('x', 1000), "es", "seg-1", "source", DateTimeOffset.UtcNow);

        var handedOver = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 200; i++)
        {
            client.OnCaption(caption with { SegmentId = $"seg-{i}" }); // ~1.1 KB each, 220 KB in all
        }

        handedOver.Stop();
        Assert.True(socket.Aborted, "a connection over its queue budget is dropped");
        Assert.True(handedOver.Elapsed < TimeSpan.FromSeconds(5), $"handing over never waits on the socket ({handedOver.Elapsed})");
    }

    [Fact]
    public void ListenerBehind_SkipsSpokenAudioThatDoesNotFit_ButStillGetsCaptions()
    {
        var socket = new StalledSocket(stall: true);
        using var connection = Connection(socket);
        var client = connection;
        client.OnAudio("seg-1", "es", 16000, new short[20_000]); // 40 KB: fits
        client.OnAudio("seg-2", "es", 16000, new short[20_000]); // would pass 64 KB: skipped
        client.OnCaption(new Caption(false, "hola", "es", "seg-3", "hello", DateTimeOffset.UtcNow));

        Assert.False(socket.Aborted, "skipping speech is enough; the listener stays");
    }

    private static BroadcastConnection Connection(WebSocket socket) =>
        new(socket, null!, new Seva.Actors.Fanout.BroadcastFollowers(new Seva.Actors.Storage.RecordLease("host-a", TimeSpan.FromMinutes(1)), NullLogger<Seva.Actors.Fanout.BroadcastFollowers>.Instance), new BroadcastOptions { ClientQueueBytes = Budget, MaxAudioChunkBytes = 8 * 1024 }, TimeProvider.System, NullLogger.Instance);

    /// <summary>A socket whose sends never complete (a client that stopped reading), or complete at once.</summary>
    private sealed class StalledSocket(bool stall) : WebSocket
    {
        private readonly TaskCompletionSource _never = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<(WebSocketMessageType Type, int Length)> Sent { get; } = [];

        public bool Aborted { get; private set; }

        public bool ClosedOutput { get; private set; }

        public override WebSocketCloseStatus? CloseStatus => null;

        public override string? CloseStatusDescription => null;

        public override WebSocketState State => Aborted ? WebSocketState.Aborted : WebSocketState.Open;

        public override string? SubProtocol => null;

        public override void Abort()
        {
            Aborted = true;
            _never.TrySetException(new WebSocketException("aborted"));
        }

        public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => Task.CompletedTask;

        public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
        {
            ClosedOutput = true;
            return Task.CompletedTask;
        }

        public override void Dispose()
        {
        }

        public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken) =>
            new TaskCompletionSource<WebSocketReceiveResult>().Task;

        public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        {
            if (stall)
            {
                return _never.Task;
            }

            Sent.Add((messageType, buffer.Count));
            return Task.CompletedTask;
        }
    }
}
