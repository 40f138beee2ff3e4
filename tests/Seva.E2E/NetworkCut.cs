using System.Net;
using System.Net.Sockets;

namespace Seva.E2E;

/// <summary>A TCP proxy in front of a server whose network can be cut: while cut, open connections are
/// broken and new ones refused, as when a clinic's Wi-Fi drops.</summary>
public sealed class NetworkCut : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;
    private volatile bool _down;

    public NetworkCut(Uri target)
    {
        _target = target;
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri Address { get; }

    /// <summary>Breaks every connection and refuses new ones for <paramref name="duration"/>.</summary>
    public async Task CutAsync(TimeSpan duration)
    {
        _down = true;
        lock (_open)
        {
            foreach (var client in _open)
            {
                Break(client.Client);
            }

            _open.Clear();
        }

        await Task.Delay(duration);
        _down = false;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await Task.WhenAny(_accepting, Task.Delay(1000));
        lock (_open)
        {
            _open.ForEach(c => c.Dispose());
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (_down)
            {
                Break(inbound.Client);
                inbound.Dispose();
                continue;
            }

            _ = PipeAsync(inbound);
        }
    }

    /// <summary>Ends a connection at once: shutdown reaches the peer even while reads are pending on
    /// the socket (closing alone waits for them).</summary>
    private static void Break(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // already gone
        }

        socket.Close(0);
    }

    private async Task PipeAsync(TcpClient inbound)
    {
        var outbound = new TcpClient();
        try
        {
            await outbound.ConnectAsync(_target.Host, _target.Port);
            lock (_open)
            {
                _open.Add(inbound);
                _open.Add(outbound);
            }

            var a = inbound.GetStream().CopyToAsync(outbound.GetStream());
            var b = outbound.GetStream().CopyToAsync(inbound.GetStream());
            await Task.WhenAny(a, b);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // cut
        }
        finally
        {
            lock (_open)
            {
                _open.Remove(inbound);
                _open.Remove(outbound);
            }

            inbound.Dispose();
            outbound.Dispose();
        }
    }
}
