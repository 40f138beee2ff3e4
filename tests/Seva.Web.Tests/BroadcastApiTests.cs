using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seva.Actors.Audio;
using Seva.Web.Tests.Support;

namespace Seva.Web.Tests;

/// <summary>One speaker and listeners in different languages over the real broadcast WebSocket API.</summary>
public sealed class BroadcastApiTests : ServerTest
{
    [Fact]
    public async Task Speaker_AndTwoListeners_CaptionsInEachLanguage_ControlsReachListeners_StatusCountsThem()
    {
        await using var speaker = await Peer.ConnectAsync(BroadcastUri(), SevaServer.AliceKey);
        await speaker.SendAsync(new { action = "createSession", sourceLanguage = "en", qualityTier = "standard" });
        var created = await speaker.WaitForAsync(m => (string?)m["type"] == "sessionCreated");
        var sessionId = (string)created["sessionId"]!;
        Assert.Matches("^[a-z]+-[a-z]+-[0-9]{3}$", sessionId);
        Assert.True((bool)created["broadcastState"]!["isActive"]!);

        await using var spanish = await Peer.ConnectAsync(BroadcastUri($"sessionId={sessionId}&targetLanguage=es"));
        await using var french = await Peer.ConnectAsync(BroadcastUri($"sessionId={sessionId}&targetLanguage=fr"));
        var joined = await spanish.WaitForAsync(m => (string?)m["type"] == "sessionJoined");
        Assert.Equal("es", (string?)joined["targetLanguage"]);
        Assert.Empty(joined["recentCaptions"]!.AsArray());
        await french.WaitForAsync(m => (string?)m["type"] == "sessionJoined");

        // speak: each listener gets the final in its language
        await speaker.StreamAsync(Speech.Concat(Speech.Say("the patient has a headache"), Speech.Silence(1, 16000)));
        var es = await spanish.WaitForAsync(m => (string?)m["type"] == "caption" && !(bool)m["isPartial"]!, 20);
        var fr = await french.WaitForAsync(m => (string?)m["type"] == "caption" && !(bool)m["isPartial"]!, 20);
        Assert.Contains("cabeza", (string?)es["text"], StringComparison.OrdinalIgnoreCase);
        Assert.Equal("fr", (string?)fr["language"]);
        Assert.Equal("The patient has a headache.", (string?)fr["sourceText"]); // written as a sentence before translation
        await speaker.WaitForAsync(m => (string?)m["type"] == "caption" && (string?)m["language"] == "en");

        // a late listener gets the recent captions at once
        await using (var late = await Peer.ConnectAsync(BroadcastUri($"sessionId={sessionId}&targetLanguage=pt")))
        {
            var lateJoin = await late.WaitForAsync(m => (string?)m["type"] == "sessionJoined");
            Assert.Single(lateJoin["recentCaptions"]!.AsArray());
        }

        // controls reach the listeners; status counts them per language
        await speaker.SendAsync(new { action = "pauseBroadcast" });
        await speaker.WaitForAsync(m => (string?)m["type"] == "ack" && (string?)m["action"] == "pauseBroadcast");
        var paused = await spanish.WaitForAsync(m => (string?)m["type"] == "broadcastState" && (bool)m["broadcastState"]!["isPaused"]!);
        Assert.NotNull(paused);
        await speaker.SendAsync(new { action = "setVolume", volumeLevel = 0.5 });
        await french.WaitForAsync(m => (string?)m["type"] == "broadcastState" && (double)m["broadcastState"]!["volume"]! == 0.5);
        await speaker.SendAsync(new { action = "getSessionStatus" });
        var status = await speaker.WaitForAsync(m => (string?)m["type"] == "sessionStatus" && (string?)m["updateReason"] == "requested");
        Assert.Equal(2, (int)status["listenerCount"]!);
        Assert.Equal(1, (int)status["languageDistribution"]!["es"]!);
        Assert.Equal(1, (int)status["languageDistribution"]!["fr"]!);

        // ending tells everyone
        await speaker.SendAsync(new { action = "endSession" });
        var ended = await spanish.WaitForAsync(m => (string?)m["type"] == "sessionEnded");
        Assert.Equal("speakerEnded", (string?)ended["reason"]);
    }

    [Fact]
    public async Task ListenerWithAudio_GetsTheTranslationSpoken_AnnouncedThenAsPcmFrames()
    {
        await using var speaker = await Peer.ConnectAsync(BroadcastUri(), SevaServer.AliceKey);
        await speaker.SendAsync(new { action = "createSession", sourceLanguage = "en" });
        var sessionId = (string)(await speaker.WaitForAsync(m => (string?)m["type"] == "sessionCreated"))["sessionId"]!;
        await using var listener = await Peer.ConnectAsync(BroadcastUri($"sessionId={sessionId}&targetLanguage=es&audio=true"));
        await listener.WaitForAsync(m => (string?)m["type"] == "sessionJoined");

        await speaker.StreamAsync(Speech.Concat(Speech.Say("the patient has a headache"), Speech.Silence(1, 16000)));
        var announced = await listener.WaitForAsync(m => (string?)m["type"] == "audio", 20);
        Assert.Equal(16000, (int)announced["sampleRate"]!);
        Assert.Equal("es", (string?)announced["language"]);
        for (var deadline = DateTime.UtcNow.AddSeconds(10); listener.BinaryBytes < 16000 && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(50);
        }

        Assert.True(listener.BinaryBytes >= 16000, $"{listener.BinaryBytes} bytes of speech (half a second is 16000)");
    }

    [Fact]
    public async Task Errors_AreAnsweredPerMessage()
    {
        await using var speaker = await Peer.ConnectAsync(BroadcastUri(), SevaServer.AliceKey);
        await speaker.SendAsync(new { action = "createSession", sourceLanguage = "en" });
        var sessionId = (string)(await speaker.WaitForAsync(m => (string?)m["type"] == "sessionCreated"))["sessionId"]!;

        await speaker.SendAsync(new { action = "setVolume", volumeLevel = 1.5 });
        var badVolume = await speaker.WaitForAsync(m => (string?)m["type"] == "error" && (string?)m["action"] == "setVolume");
        Assert.Equal(400, (int)badVolume["code"]!);

        var big = new byte[BroadcastChunkLimit + 3];
        big[0] = 0x01;
        await speaker.SendBinaryAsync(big);
        var tooLarge = await speaker.WaitForAsync(m => (string?)m["type"] == "error" && (int)m["code"]! == 413);
        Assert.Equal("sendAudio", (string?)tooLarge["action"]);

        await using var listener = await Peer.ConnectAsync(BroadcastUri($"sessionId={sessionId}&targetLanguage=es"));
        await listener.WaitForAsync(m => (string?)m["type"] == "sessionJoined");
        await listener.SendAsync(new { action = "muteBroadcast" });
        var forbidden = await listener.WaitForAsync(m => (string?)m["type"] == "error");
        Assert.Equal(403, (int)forbidden["code"]!);
        await listener.SendAsync(new { action = "changeLanguage", targetLanguage = "xx" });
        var unsupported = await listener.WaitForAsync(m => (string?)m["type"] == "error" && (string?)m["action"] == "changeLanguage");
        Assert.Equal(400, (int)unsupported["code"]!);
        Assert.Contains("es", (string?)unsupported["message"], StringComparison.Ordinal);
        await listener.SendAsync(new { action = "pausePlayback" });
        await listener.WaitForAsync(m => (string?)m["type"] == "ack" && (string?)m["action"] == "pausePlayback");

        // still working after all that
        await speaker.SendAsync(new { action = "muteBroadcast" });
        await speaker.WaitForAsync(m => (string?)m["type"] == "ack" && (string?)m["action"] == "muteBroadcast");
    }

    [Fact]
    public async Task Status_QueriesOverTwoASecond_Get429()
    {
        await using var speaker = await Peer.ConnectAsync(BroadcastUri(), SevaServer.AliceKey);
        await speaker.SendAsync(new { action = "createSession" });
        await speaker.WaitForAsync(m => (string?)m["type"] == "sessionCreated");
        for (var i = 0; i < 4; i++)
        {
            await speaker.SendAsync(new { action = "getSessionStatus" });
        }

        var limited = await speaker.WaitForAsync(m => (string?)m["type"] == "error" && (int)m["code"]! == 429);
        Assert.Equal("getSessionStatus", (string?)limited["action"]);
    }

    [Fact]
    public async Task Controls_OverTenASecond_Get429()
    {
        await using var speaker = await Peer.ConnectAsync(BroadcastUri(), SevaServer.AliceKey);
        await speaker.SendAsync(new { action = "createSession" });
        await speaker.WaitForAsync(m => (string?)m["type"] == "sessionCreated");
        for (var i = 0; i < 14; i++)
        {
            await speaker.SendAsync(new { action = i % 2 == 0 ? "muteBroadcast" : "unmuteBroadcast" });
        }

        var limited = await speaker.WaitForAsync(m => (string?)m["type"] == "error" && (int)m["code"]! == 429);
        Assert.Contains((string?)limited["action"], new[] { "muteBroadcast", "unmuteBroadcast" });
    }

    [Fact]
    public async Task AudioOverFiftyChunksASecond_IsDropped_AndTheSpeakerIsWarnedAfterFiveSeconds()
    {
        await using var speaker = await Peer.ConnectAsync(BroadcastUri(), SevaServer.AliceKey);
        await speaker.SendAsync(new { action = "createSession" });
        await speaker.WaitForAsync(m => (string?)m["type"] == "sessionCreated");
        // Bursts of 20 small chunks every ~50 ms: several hundred a second, however slow the machine,
        // until the warning comes (5 s of excess on the server's clock; a loaded machine may stall the
        // sender now and then, which restarts that count, so the test keeps going rather than stop at 7 s).
        var frame = AudioFrame.Build(new short[160]);
        var started = DateTime.UtcNow;
        static bool IsWarning(JsonObject m) => (string?)m["type"] == "error" && (string?)m["errorCode"] == "AUDIO_RATE_LIMIT";
        while (!speaker.Messages.Any(IsWarning) && DateTime.UtcNow - started < TimeSpan.FromSeconds(25))
        {
            for (var i = 0; i < 20; i++)
            {
                await speaker.SendBinaryAsync(frame);
            }

            await Task.Delay(50);
        }

        var warning = await speaker.WaitForAsync(IsWarning, 5);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(5), "the warning comes after 5 s of excess, not before");
        Assert.Equal(429, (int)warning["code"]!);
        Assert.Contains("dropped", (string?)warning["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Speaker_WithoutKey_Is401_ListenerOfUnknownBroadcast_Gets404()
    {
        using var http = new HttpClient { BaseAddress = Server.BaseAddress };
        using var anonymous = new ClientWebSocket();
        var ex = await Assert.ThrowsAnyAsync<WebSocketException>(() => anonymous.ConnectAsync(BroadcastUri(), CancellationToken.None));
        Assert.Contains("401", ex.Message, StringComparison.Ordinal);

        await using var lost = await Peer.ConnectAsync(BroadcastUri("sessionId=no-such-999&targetLanguage=es"));
        var error = await lost.WaitForAsync(m => (string?)m["type"] == "error");
        Assert.Equal(404, (int)error["code"]!);
    }

    private const int BroadcastChunkLimit = 32 * 1024;

    private Uri BroadcastUri(string? query = null) =>
        new UriBuilder(Server.BaseAddress) { Scheme = "ws", Path = "/api/v1/broadcast/ws", Query = query ?? string.Empty }.Uri;

    /// <summary>A WebSocket peer recording every JSON message it gets.</summary>
    internal sealed class Peer : IAsyncDisposable
    {
        private readonly ClientWebSocket _socket = new();
        private readonly List<JsonObject> _messages = [];
        private Task? _reader;
        private long _binaryBytes;

        public long BinaryBytes => Interlocked.Read(ref _binaryBytes);

        public IReadOnlyList<JsonObject> Messages
        {
            get
            {
                lock (_messages)
                {
                    return [.. _messages];
                }
            }
        }

        public static async Task<Peer> ConnectAsync(Uri uri, string? key = null)
        {
            var peer = new Peer();
            if (key is not null)
            {
                peer._socket.Options.SetRequestHeader("Authorization", "Bearer " + key);
            }

            await peer._socket.ConnectAsync(uri, CancellationToken.None);
            peer._reader = peer.ReadAsync();
            return peer;
        }

        public Task SendAsync(object message) =>
            _socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, CancellationToken.None);

        public Task SendBinaryAsync(byte[] frame) => _socket.SendAsync(frame, WebSocketMessageType.Binary, true, CancellationToken.None);

        public async Task StreamAsync(short[] samples)
        {
            foreach (var chunk in samples.Chunk(4000))
            {
                await SendBinaryAsync(AudioFrame.Build(chunk));
                await Task.Delay(100); // faster than real time, under the 50 chunks/s limit
            }
        }

        public async Task<JsonObject> WaitForAsync(Func<JsonObject, bool> predicate, int seconds = 10)
        {
            var deadline = DateTime.UtcNow.AddSeconds(seconds);
            while (DateTime.UtcNow < deadline)
            {
                lock (_messages)
                {
                    var found = _messages.FirstOrDefault(predicate);
                    if (found is not null)
                    {
                        return found;
                    }
                }

                await Task.Delay(20);
            }

            lock (_messages)
            {
                throw new TimeoutException("Not received; got: " + string.Join(" | ", _messages.Select(m => m.ToJsonString())));
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_socket.State == WebSocketState.Open)
            {
                try
                {
                    await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(3));
                }
                catch (Exception)
                {
                    _socket.Abort();
                }
            }

            _socket.Dispose();
        }

        private async Task ReadAsync()
        {
            var buffer = new byte[256 * 1024];
            try
            {
                while (_socket.State == WebSocketState.Open)
                {
                    var length = 0;
                    WebSocketReceiveResult result;
                    do
                    {
                        result = await _socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), CancellationToken.None);
                        length += result.Count;
                    }
                    while (!result.EndOfMessage);

                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    if (result.MessageType == WebSocketMessageType.Binary)
                    {
                        Interlocked.Add(ref _binaryBytes, length);
                    }

                    if (result.MessageType == WebSocketMessageType.Text)
                    {
                        var message = JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, length))!.AsObject();
                        lock (_messages)
                        {
                            _messages.Add(message);
                        }
                    }
                }
            }
            catch (WebSocketException)
            {
                // closed
            }
        }
    }
}
