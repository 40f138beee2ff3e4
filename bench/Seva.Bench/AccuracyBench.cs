using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Seva.Actors.Audio;
using Seva.Actors.Speech.PocketSphinx;

namespace Seva.Bench;

/// <summary>Word errors of Seva's finals on short independent dictations, next to the raw engine
/// (<c>pocketsphinx_continuous</c>) on the same files with its default settings and with Seva's live ones.</summary>
internal static class AccuracyBench
{
    public static async Task<AccuracyReport> RunAsync(SevaServer server, int parallel, TextWriter log)
    {
        log.WriteLine("accuracy: speaking the dictations with flite (slt, awb, rms, kal) ...");
        var corpus = AccuracyCorpus.Load(log);
        var directory = Directory.CreateTempSubdirectory("seva-accuracy-");
        try
        {
            var files = corpus.Select((d, i) =>
            {
                var path = Path.Combine(directory.FullName, $"{i:D3}-{d.Voice}.wav");
                File.WriteAllBytes(path, new WavFile(Corpus.Rate, d.Samples).ToBytes());
                return path;
            }).ToArray();

            log.WriteLine($"accuracy: {corpus.Count} dictations through Seva, {parallel} at a time, at real-time pace ...");
            var seva = new string[corpus.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, corpus.Count), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, ct) =>
                seva[i] = await DictateWithRetryAsync(server, corpus[i].Samples, log, ct));

            log.WriteLine("accuracy: the same files through pocketsphinx_continuous (defaults, then Seva's live settings) ...");
            var defaults = RawEngine(files, []);
            var live = RawEngine(files, new PocketSphinxOptions().DecoderArguments.ToArray());

            var rows = corpus.Select((d, i) => (d.Voice, d.Text, Seva: seva[i], Default: defaults[i], Live: live[i])).ToList();
            var groups = rows.GroupBy(r => r.Voice).Select(g => Row(g.Key, g.ToList())).ToList();
            groups.Add(Row("16 kHz", [.. rows.Where(r => r.Voice != "kal")])); // kal is an 8 kHz voice
            groups.Add(Row("all", rows));
            return new AccuracyReport(groups, [.. rows.Select(r => new AccuracyItem(r.Voice, r.Text, r.Seva, r.Default, r.Live))]);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static AccuracyRow Row(string voice, List<(string Voice, string Text, string Seva, string Default, string Live)> rows)
    {
        var words = rows.Sum(r => Stats.Words(r.Text));
        double Wer(Func<(string Voice, string Text, string Seva, string Default, string Live), string> hypothesis) =>
            rows.Sum(r => Stats.WordEdits(r.Text, hypothesis(r))) / (double)words;
        return new AccuracyRow(voice, rows.Count, words, Wer(r => r.Seva), Wer(r => r.Default), Wer(r => r.Live));
    }

    /// <summary>A dictation the server refuses for capacity is tried again, as a client should (this
    /// mode measures accuracy, not capacity).</summary>
    private static async Task<string> DictateWithRetryAsync(SevaServer server, short[] samples, TextWriter log, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await DictateAsync(server, samples, cancellationToken);
            }
            catch (CapacityException) when (attempt < 10)
            {
                log.WriteLine("accuracy: a session was refused for capacity; trying again in 2 s");
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
        }
    }

    /// <summary>One dictation as its own session: start, audio at real-time pace in 250 ms chunks, end;
    /// the finals' text.</summary>
    private static async Task<string> DictateAsync(SevaServer server, short[] samples, CancellationToken cancellationToken)
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + server.Key);
        await socket.ConnectAsync(server.StreamUri, cancellationToken);
        var finals = new ConcurrentQueue<string>();
        var complete = new TaskCompletionSource();
        var ack = new TaskCompletionSource();
        var reader = Task.Run(
            async () =>
            {
                var buffer = new byte[64 * 1024];
                var message = new MemoryStream();
                while (socket.State == WebSocketState.Open)
                {
                    var result = await socket.ReceiveAsync(buffer, cancellationToken);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }

                    message.Write(buffer, 0, result.Count);
                    if (!result.EndOfMessage)
                    {
                        continue;
                    }

                    var json = JsonNode.Parse(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length))!.AsObject();
                    message.SetLength(0);
                    switch ((string?)json["type"])
                    {
                        case "session_ack":
                            ack.TrySetResult();
                            break;
                        case "transcription_result" when !(bool)json["is_partial"]!:
                            finals.Enqueue((string)(json["raw_text"] ?? json["text"])!);
                            break;
                        case "session_complete":
                            complete.TrySetResult();
                            break;
                        case "error" when !(bool)json["recoverable"]!:
                            var refusal = $"Seva refused the dictation: {json["error_code"]} {json["message"]}";
                            Exception error = (string?)json["error_code"] == "SESSION_LIMIT_EXCEEDED" ? new CapacityException(refusal) : new InvalidOperationException(refusal);
                            ack.TrySetException(error);
                            complete.TrySetException(error);
                            break;
                    }
                }

                complete.TrySetResult();
            },
            cancellationToken);

        await Send(socket, "{\"type\":\"session_start\",\"quality\":\"medium\",\"language\":\"en-US\"}", cancellationToken);
        await ack.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        const int chunk = Corpus.Rate / 4;
        var frame = new byte[1 + (chunk * 2)];
        frame[0] = AudioFrame.AudioType;
        var clock = Stopwatch.StartNew();
        for (var offset = 0; offset < samples.Length; offset += chunk)
        {
            var length = Math.Min(chunk, samples.Length - offset);
            var due = TimeSpan.FromSeconds((offset + length) / (double)Corpus.Rate) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, cancellationToken);
            }

            System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples.AsSpan(offset, length)).CopyTo(frame.AsSpan(1));
            await socket.SendAsync(frame.AsMemory(0, 1 + (length * 2)), WebSocketMessageType.Binary, true, cancellationToken);
        }

        await Send(socket, "{\"type\":\"session_end\"}", cancellationToken);
        await complete.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        await reader.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        return string.Join(' ', finals);
    }

    private static Task Send(ClientWebSocket socket, string text, CancellationToken cancellationToken) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancellationToken);

    /// <summary>Each file through its own pocketsphinx_continuous, as many at once as there are cores.</summary>
    private static string[] RawEngine(string[] files, string[] arguments)
    {
        var texts = new string[files.Length];
        Parallel.For(0, files.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            texts[i] = EngineBench.RunContinuous(files[i], arguments).Text);
        return texts;
    }
}

internal sealed record AccuracyReport(IReadOnlyList<AccuracyRow> Rows, IReadOnlyList<AccuracyItem> Items);

/// <summary>Word error rates of one voice: Seva's finals, the raw engine with defaults and with Seva's live settings.</summary>
internal sealed record AccuracyRow(string Voice, int Dictations, int Words, double Seva, double RawDefaults, double RawLive)
{
    /// <summary>Seva's WER relative to the raw engine's defaults (1.10 = 10% more errors).</summary>
    public double RelativeToDefaults => RawDefaults == 0 ? double.NaN : Seva / RawDefaults;
}

internal sealed record AccuracyItem(string Voice, string Reference, string Seva, string RawDefaults, string RawLive);

internal sealed class CapacityException(string message) : Exception(message);
