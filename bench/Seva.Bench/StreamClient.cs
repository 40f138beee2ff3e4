using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Seva.Actors.Audio;

namespace Seva.Bench;

/// <summary>One simulated clinician: speaks a script of sentences at real-time pace over the WebSocket
/// API and times what comes back.</summary>
/// <remarks>A 250 ms chunk is sent when its last sample would have left a microphone, so latencies are
/// measured from the moment the audio existed, as a user would feel them. Streams start at different
/// moments (<paramref name="startDelay"/>) and pause for different lengths, as clinicians do not speak
/// in step.</remarks>
internal sealed class StreamClient(SevaServer server, IReadOnlyList<Utterance> script, double pauseSeconds, double startDelay) : IDisposable
{
    private const int ChunkSamples = Corpus.Rate / 4;
    private readonly ClientWebSocket _socket = new();
    private readonly List<(double At, JsonObject Message)> _received = [];
    private readonly Stopwatch _clock = new();

    public StreamResult? Result { get; private set; }

    public async Task ConnectAndStartAsync(CancellationToken cancellationToken)
    {
        _socket.Options.SetRequestHeader("Authorization", "Bearer " + server.Key);
        await _socket.ConnectAsync(server.StreamUri, cancellationToken);
        _clock.Start();
        _ = ReceiveLoopAsync();
        await SendTextAsync("{\"type\":\"session_start\",\"quality\":\"medium\",\"language\":\"en-US\"}", cancellationToken);
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!Seen("session_ack") && !Seen("error"))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("No session_ack.");
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    public bool Started => Seen("session_ack");

    /// <summary>The error a session that did not start was refused with.</summary>
    public string StartError
    {
        get
        {
            lock (_received)
            {
                return _received.Where(m => (string?)m.Message["type"] == "error").Select(m => (string?)m.Message["error_code"]).FirstOrDefault() ?? "NO_ACK";
            }
        }
    }

    public void Dispose() => _socket.Dispose();

    /// <summary>Streams the script, ends the session and waits for session_complete.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(startDelay), cancellationToken);
        // Audio: pause, sentence, pause, sentence, ..., then one second of trailing silence.
        var timeline = new List<(double Start, double End, Utterance Utterance)>();
        var audio = new List<short>();
        audio.AddRange(new short[(int)(pauseSeconds * Corpus.Rate)]);
        foreach (var utterance in script)
        {
            var start = audio.Count / (double)Corpus.Rate;
            audio.AddRange(utterance.Samples);
            timeline.Add((start, audio.Count / (double)Corpus.Rate, utterance));
            audio.AddRange(new short[(int)(pauseSeconds * Corpus.Rate)]);
        }

        audio.AddRange(new short[Corpus.Rate]);
        var samples = audio.ToArray();
        var frame = new byte[1 + (ChunkSamples * 2)];
        var t0 = _clock.Elapsed.TotalSeconds;
        var lateChunks = 0;
        var maxLateness = 0.0;
        for (var offset = 0; offset < samples.Length; offset += ChunkSamples)
        {
            var length = Math.Min(ChunkSamples, samples.Length - offset);
            var due = t0 + ((offset + length) / (double)Corpus.Rate);
            var wait = due - _clock.Elapsed.TotalSeconds;
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(wait), cancellationToken);
            }

            var lateness = _clock.Elapsed.TotalSeconds - due;
            maxLateness = Math.Max(maxLateness, lateness);
            if (lateness > 0.1)
            {
                lateChunks++;
            }

            frame[0] = AudioFrame.AudioType;
            Pcm.WriteLittleEndian(samples.AsSpan(offset, length), frame.AsSpan(1));
            await _socket.SendAsync(frame.AsMemory(0, 1 + (length * 2)), WebSocketMessageType.Binary, true, cancellationToken);
        }

        var endSent = _clock.Elapsed.TotalSeconds;
        await SendTextAsync("{\"type\":\"session_end\"}", cancellationToken);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!Seen("session_complete") && _socket.State == WebSocketState.Open && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, cancellationToken);
        }

        Result = Analyse(timeline, t0, endSent, lateChunks, maxLateness);
    }

    private StreamResult Analyse(List<(double Start, double End, Utterance Utterance)> timeline, double t0, double endSent, int lateChunks, double maxLateness)
    {
        List<(double At, JsonObject Message)> messages;
        lock (_received)
        {
            messages = [.. _received];
        }

        var results = messages.Where(m => (string?)m.Message["type"] == "transcription_result").ToList();
        var finals = results.Where(m => !(bool)m.Message["is_partial"]!).ToList();
        var finalLatencies = new List<double>();
        var firstPartialLatencies = new List<double>();
        var missed = 0;
        for (var i = 0; i < timeline.Count; i++)
        {
            var (start, end, _) = timeline[i];
            var windowEnd = i + 1 < timeline.Count ? timeline[i + 1].Start : double.MaxValue;

            // A final belongs to the sentence its last word falls in (stream audio time).
            var mine = finals.Where(f => (double)f.Message["end_time"]! >= start - 0.3 && (double)f.Message["end_time"]! < windowEnd).ToList();
            if (mine.Count == 0)
            {
                missed++;
                continue;
            }

            finalLatencies.Add(mine.Max(f => f.At) - (t0 + end));
            var firstPartial = results.FirstOrDefault(r => (bool)r.Message["is_partial"]! && r.At >= t0 + start);
            if (firstPartial.Message is not null && firstPartial.At <= mine.Max(f => f.At))
            {
                firstPartialLatencies.Add(firstPartial.At - (t0 + start));
            }
        }

        var heard = string.Join(' ', finals.Select(f => (string)(f.Message["raw_text"] ?? f.Message["text"])!));
        var reference = string.Join(' ', timeline.Select(t => t.Utterance.Text));
        var complete = messages.FirstOrDefault(m => (string?)m.Message["type"] == "session_complete");
        var errors = messages.Where(m => (string?)m.Message["type"] == "error").Select(m => (string)m.Message["error_code"]!).ToList();
        var completedAfter = complete.Message is null ? double.NaN : complete.At - endSent;
        return new StreamResult(
            timeline[^1].End + pauseSeconds + 1,
            Stats.Words(reference),
            Stats.WordEdits(reference, heard),
            finalLatencies,
            firstPartialLatencies,
            missed,
            completedAfter,
            lateChunks,
            maxLateness,
            errors);
    }

    private bool Seen(string type)
    {
        lock (_received)
        {
            return _received.Any(m => (string?)m.Message["type"] == type);
        }
    }

    private Task SendTextAsync(string text, CancellationToken cancellationToken) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancellationToken);

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                    length += result.Count;
                }
                while (!result.EndOfMessage);

                var at = _clock.Elapsed.TotalSeconds;
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    return;
                }

                var message = JsonNode.Parse(buffer.AsSpan(0, length))!.AsObject();
                lock (_received)
                {
                    _received.Add((at, message));
                }
            }
        }
        catch (WebSocketException)
        {
            // the server went away; the result says what was missed
        }
    }
}

/// <summary>What one stream measured. Latencies are in seconds.</summary>
internal sealed record StreamResult(
    double AudioSeconds,
    int ReferenceWords,
    int WordEdits,
    IReadOnlyList<double> FinalLatencies,
    IReadOnlyList<double> FirstPartialLatencies,
    int MissedUtterances,
    double CompletedAfterEnd,
    int LateChunks,
    double MaxSendLateness,
    IReadOnlyList<string> Errors)
{
    /// <summary>Fell behind real time: a final came over 2 s after its speech ended, or the session
    /// took over 3 s to complete after session_end (or never did).</summary>
    public bool FellBehind => FinalLatencies.Any(l => l > 2.0) || !(CompletedAfterEnd <= 3.0);
}
