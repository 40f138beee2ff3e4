using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seva.Actors.Audio;

namespace Seva.Bench;

/// <summary>One broadcast, many listeners: a speaker talks at real-time pace while hundreds of listener
/// sockets (es, fr and pt, a third with spoken audio) follow it, and a few sockets stop reading.</summary>
/// <remarks>Caption delivery is timed from the caption's server timestamp (taken when the speaker's
/// final comes out of the engine, before translation) to each listener receiving it; bench and server
/// share the machine's clock. "Last listener" is the slowest of all the listeners for one final.</remarks>
internal static class BroadcastBench
{
    private static readonly string[] Languages = ["es", "fr", "pt"];

    public static async Task<BroadcastReport> RunAsync(SevaServer server, Corpus corpus, int listeners, int slow, int sentences, TextWriter log)
    {
        var uri = new UriBuilder(server.Url) { Scheme = server.Url.Scheme == "https" ? "wss" : "ws", Path = "/api/v1/broadcast/ws" }.Uri;
        using var speaker = new ClientWebSocket();
        speaker.Options.SetRequestHeader("Authorization", "Bearer " + server.Key);
        await speaker.ConnectAsync(uri, CancellationToken.None);
        var speakerFinals = new ConcurrentDictionary<string, (double ServerAt, double ReceivedAt)>();
        var speakerCaptions = 0;
        var created = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var speakerReader = ReadAsync(speaker, (text, at) =>
        {
            var message = JsonNode.Parse(text)!.AsObject();
            switch ((string?)message["type"])
            {
                case "sessionCreated":
                    created.TrySetResult((string)message["sessionId"]!);
                    break;
                case "caption":
                    Interlocked.Increment(ref speakerCaptions);
                    if (!(bool)message["isPartial"]!)
                    {
                        speakerFinals[(string)message["segmentId"]!] = ((double)message["timestamp"]!, at);
                    }

                    break;
            }
        });
        await speaker.SendAsync("{\"action\":\"createSession\",\"sourceLanguage\":\"en\"}"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        var sessionId = await created.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var before = await server.MetricsAsync();
        log.WriteLine($"broadcast: {sessionId}; joining {listeners} listeners and {slow} that stop reading ...");
        var followers = new Follower[listeners];
        using (var gate = new SemaphoreSlim(32))
        {
            await Task.WhenAll(Enumerable.Range(0, listeners).Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    followers[i] = await Follower.JoinAsync(uri, sessionId, Languages[i % Languages.Length], audio: i % 3 == 0);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        // Slow listeners ask for spoken audio (the most bytes), then never read: their tiny receive
        // buffers fill and the server's sends to them stall.
        var stuck = new List<ClientWebSocket>();
        for (var i = 0; i < slow; i++)
        {
            stuck.Add(await ConnectUnreadAsync(new Uri($"{uri}?sessionId={sessionId}&targetLanguage={Languages[i % Languages.Length]}&audio=true")));
        }

        await Task.Delay(2000); // let the joins settle before measuring memory
        var joined = await server.MetricsAsync();
        var joinedListeners = await ListenersAsync(server);
        var translationsBefore = await TranslationsAsync(server);
        log.WriteLine($"broadcast: {joinedListeners} listeners joined; speaking {sentences} sentences at real-time pace ...");

        var speech = Script(corpus, sentences);
        var clock = Stopwatch.StartNew();
        var frame = new byte[1 + (Corpus.Rate / 4 * 2)];
        for (var offset = 0; offset < speech.Length; offset += Corpus.Rate / 4)
        {
            var length = Math.Min(Corpus.Rate / 4, speech.Length - offset);
            var due = (offset + length) / (double)Corpus.Rate;
            var wait = due - clock.Elapsed.TotalSeconds;
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(wait));
            }

            frame[0] = AudioFrame.AudioType;
            Pcm.WriteLittleEndian(speech.AsSpan(offset, length), frame.AsSpan(1));
            await speaker.SendAsync(frame.AsMemory(0, 1 + (length * 2)), WebSocketMessageType.Binary, true, CancellationToken.None);
        }

        await Task.Delay(4000); // the last final, its translations and speech
        var spoken = await server.MetricsAsync();
        var translations = await TranslationsAsync(server) - translationsBefore;
        var listenersAtEnd = await ListenersAsync(server);
        var slowDropped = await SlowClientsAsync(server, "listener_dropped");
        var audioSkipped = await SlowClientsAsync(server, "audio_skipped");
        await speaker.SendAsync("{\"action\":\"endSession\"}"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        await Task.WhenAny(speakerReader, Task.Delay(10_000));

        // Delivery: for each final the speaker got, every listener's receipt.
        var lastListener = new List<double>();
        var all = new List<double>();
        var missing = 0;
        foreach (var (segment, (serverAt, _)) in speakerFinals)
        {
            var slowest = 0.0;
            foreach (var follower in followers)
            {
                if (follower.Finals.TryGetValue(segment, out var at))
                {
                    var delay = (at - serverAt) * 1000;
                    all.Add(delay);
                    slowest = Math.Max(slowest, delay);
                }
                else
                {
                    missing++;
                }
            }

            lastListener.Add(slowest);
        }

        foreach (var follower in followers)
        {
            follower.Dispose();
        }

        foreach (var socket in stuck)
        {
            socket.Abort();
            socket.Dispose();
        }

        var speakerDelays = speakerFinals.Values.Select(v => (v.ReceivedAt - v.ServerAt) * 1000).ToList();
        return new BroadcastReport(
            listeners,
            slow,
            joinedListeners,
            speech.Length / (double)Corpus.Rate,
            speakerFinals.Count,
            speakerCaptions,
            missing,
            Stats.Percentile(lastListener, 0.5),
            Stats.Percentile(lastListener, 0.95),
            Stats.Percentile(all, 0.5),
            Stats.Percentile(all, 0.95),
            Stats.Percentile(speakerDelays, 0.95),
            speakerCaptions == 0 ? 0 : translations / (double)(speakerCaptions * Languages.Length),
            (joined.WorkingSetBytes - before.WorkingSetBytes) / (double)(listeners + slow) / 1024,
            spoken.WorkingSetBytes / 1024.0 / 1024,
            (spoken.CpuSeconds - joined.CpuSeconds) / (speech.Length / (double)Corpus.Rate) / spoken.Cores,
            followers.Sum(f => f.AudioBytes) / 1024.0 / 1024,
            slowDropped,
            audioSkipped,
            listenersAtEnd);
    }

    /// <summary>Sentences with 1.5 s of silence between them, then 1.5 s more.</summary>
    private static short[] Script(Corpus corpus, int sentences)
    {
        var audio = new List<short>();
        var pause = new short[Corpus.Rate * 3 / 2];
        foreach (var utterance in corpus.Utterances.Take(sentences))
        {
            audio.AddRange(utterance.Samples);
            audio.AddRange(pause);
        }

        audio.AddRange(pause);
        return [.. audio];
    }

    private static async Task<double> TranslationsAsync(SevaServer server) =>
        PrometheusScrape.Parse(await server.ScrapeAsync()).Sum("seva_broadcast_translations_total");

    private static async Task<int> ListenersAsync(SevaServer server) =>
        (int)PrometheusScrape.Parse(await server.ScrapeAsync()).Sum("seva_broadcast_listeners");

    private static async Task<int> SlowClientsAsync(SevaServer server, string kind) =>
        (int)PrometheusScrape.Parse(await server.ScrapeAsync()).Sum("seva_broadcast_slow_clients_total", ("kind", kind));

    /// <summary>A socket with a 4 KiB receive buffer that is never read.</summary>
    private static async Task<ClientWebSocket> ConnectUnreadAsync(Uri uri)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        var client = new ClientWebSocket();
        await client.ConnectAsync(uri, new HttpMessageInvoker(handler), CancellationToken.None);
        return client;
    }

    private static async Task ReadAsync(ClientWebSocket socket, Action<string, double> onText, Action<int>? onBinary = null)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length)
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }

                    result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                    length += result.Count;
                }
                while (!result.EndOfMessage);

                var at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
                if (result.MessageType == WebSocketMessageType.Text)
                {
                    onText(Encoding.UTF8.GetString(buffer, 0, length), at);
                }
                else if (result.MessageType == WebSocketMessageType.Binary)
                {
                    onBinary?.Invoke(length);
                }
                else
                {
                    break;
                }
            }
        }
        catch (WebSocketException)
        {
            // closed under us
        }
    }

    /// <summary>One listener's socket, noting when each final arrives.</summary>
    private sealed class Follower : IDisposable
    {
        private readonly ClientWebSocket _socket = new();
        private long _audioBytes;

        public ConcurrentDictionary<string, double> Finals { get; } = new(StringComparer.Ordinal);

        public long AudioBytes => Interlocked.Read(ref _audioBytes);

        public static async Task<Follower> JoinAsync(Uri uri, string sessionId, string language, bool audio)
        {
            var follower = new Follower();
            await follower._socket.ConnectAsync(new Uri($"{uri}?sessionId={sessionId}&targetLanguage={language}&audio={(audio ? "true" : "false")}"), CancellationToken.None);
            _ = ReadAsync(follower._socket, follower.OnText, n => Interlocked.Add(ref follower._audioBytes, n));
            return follower;
        }

        public void Dispose()
        {
            _socket.Abort();
            _socket.Dispose();
        }

        private void OnText(string text, double at)
        {
            // Only finals are timed; partials are read and counted by nobody, as a phone would skim them.
            if (!text.Contains("\"isPartial\":false", StringComparison.Ordinal))
            {
                return;
            }

            using var message = JsonDocument.Parse(text);
            if (message.RootElement.GetProperty("type").GetString() == "caption")
            {
                Finals.TryAdd(message.RootElement.GetProperty("segmentId").GetString()!, at);
            }
        }
    }
}

internal sealed record BroadcastReport(
    int Listeners,
    int SlowListeners,
    int ListenersJoined,
    double SpeechSeconds,
    int Finals,
    int Captions,
    int MissingDeliveries,
    double LastListenerP50Ms,
    double LastListenerP95Ms,
    double DeliveryP50Ms,
    double DeliveryP95Ms,
    double SpeakerP95Ms,
    double TranslationsPerCaptionPerLanguage,
    double KiBPerListener,
    double ServerWorkingSetMiB,
    double ServerCpuFraction,
    double AudioMiBReceived,
    int SlowListenersDropped,
    int SpokenUtterancesSkipped,
    int ListenersAtEnd);
