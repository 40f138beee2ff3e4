using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seva.Actors.Audio;

namespace Seva.Web.Tests.Support;

/// <summary>A client of the dictation WebSocket API that records every server message.</summary>
public sealed class DictationClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly List<JsonObject> _messages = [];
    private readonly Lock _gate = new();
    private Task? _reader;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public IReadOnlyList<JsonObject> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _messages];
            }
        }
    }

    public IReadOnlyList<JsonObject> OfType(string type) => [.. Messages.Where(m => (string?)m["type"] == type)];

    public IReadOnlyList<JsonObject> Finals => [.. OfType("transcription_result").Where(m => !(bool)m["is_partial"]!)];

    public string FinalText => string.Join(' ', Finals.Select(f => (string)f["text"]!));

    public static Task<DictationClient> ConnectAsync(SevaServer server, string key = SevaServer.AliceKey) =>
        ConnectAsync(server.StreamUri(), key);

    /// <summary>Connects to any Seva's stream endpoint (e.g. a separate process) with an API key.</summary>
    public static async Task<DictationClient> ConnectAsync(Uri streamUri, string key)
    {
        var client = new DictationClient();
        client._socket.Options.SetRequestHeader("Authorization", "Bearer " + key);
        await client._socket.ConnectAsync(streamUri, CancellationToken.None);
        client._reader = client.ReadLoopAsync();
        return client;
    }

    public Task SendJsonAsync(object message) =>
        SendTextAsync(JsonSerializer.Serialize(message));

    public Task SendTextAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendBinaryAsync(byte[] frame) =>
        _socket.SendAsync(frame, WebSocketMessageType.Binary, true, CancellationToken.None);

    /// <summary>Sends session_start and waits for its ack (or an error).</summary>
    public async Task<JsonObject> StartAsync(string quality = "medium", string[]? vocabulary = null, string? sessionId = null)
    {
        var seen = Messages.Count;
        await SendJsonAsync(new Dictionary<string, object?>
        {
            ["type"] = "session_start",
            ["session_id"] = sessionId,
            ["quality"] = quality,
            ["language"] = "en-US",
            ["specialty"] = "PRIMARYCARE",
            ["vocabulary"] = vocabulary ?? [],
            ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0,
        });
        return await WaitForAsync(m => (string?)m["type"] is "session_ack" or "error", TimeSpan.FromSeconds(20), skip: seen);
    }

    /// <summary>Streams samples in 250 ms frames at real-time pace.</summary>
    public async Task StreamAsync(short[] samples, int sampleRate, bool realTime = true)
    {
        var chunk = sampleRate / 4;
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var offset = 0; offset < samples.Length; offset += chunk)
        {
            var length = Math.Min(chunk, samples.Length - offset);
            await SendBinaryAsync(AudioFrame.Build(samples.AsSpan(offset, length)));
            if (realTime)
            {
                var due = TimeSpan.FromSeconds((offset + length) / (double)sampleRate);
                var wait = due - started.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }
            }
        }
    }

    public Task EndAsync(string? sessionId = null) =>
        SendJsonAsync(new Dictionary<string, object?> { ["type"] = "session_end", ["session_id"] = sessionId, ["timestamp"] = 0 });

    /// <summary>Waits for the first message matching <paramref name="predicate"/>, after the first <paramref name="skip"/>.</summary>
    public async Task<JsonObject> WaitForAsync(Func<JsonObject, bool> predicate, TimeSpan timeout, int skip = 0)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var found = Messages.Skip(skip).FirstOrDefault(predicate);
            if (found is not null)
            {
                return found;
            }

            if (_reader is { IsCompleted: true })
            {
                break;
            }

            await Task.Delay(20);
        }

        return Messages.Skip(skip).FirstOrDefault(predicate)
            ?? throw new TimeoutException($"No matching message within {timeout}; got: {string.Join(" | ", Messages.Select(m => m.ToJsonString()))}");
    }

    public Task<JsonObject> WaitForTypeAsync(string type, TimeSpan? timeout = null) =>
        WaitForAsync(m => (string?)m["type"] == type, timeout ?? TimeSpan.FromSeconds(30));

    public async Task<JsonObject> WaitForErrorAsync(string code, TimeSpan? timeout = null) =>
        await WaitForAsync(m => (string?)m["type"] == "error" && (string?)m["error_code"] == code, timeout ?? TimeSpan.FromSeconds(15));

    /// <summary>Waits until the server closes the socket.</summary>
    public async Task WaitClosedAsync(TimeSpan timeout)
    {
        if (_reader is not null)
        {
            await _reader.WaitAsync(timeout);
        }
    }

    public void Abort() => _socket.Abort();

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception)
            {
                _socket.Abort();
            }
        }

        _socket.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[256 * 1024];
        try
        {
            while (true)
            {
                var length = 0;
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), CancellationToken.None);
                    length += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    }

                    return;
                }

                var message = JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, length))!.AsObject();
                lock (_gate)
                {
                    _messages.Add(message);
                }
            }
        }
        catch (WebSocketException)
        {
            // closed under us
        }
    }
}
