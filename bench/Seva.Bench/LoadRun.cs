using System.Diagnostics;

namespace Seva.Bench;

/// <summary>N concurrent dictation streams against one server, with server figures sampled meanwhile.</summary>
internal static class LoadRun
{
    /// <param name="burstSpacing">Null: a steady run (warm-up first, every session started before audio
    /// flows, starts spread over 3 s). Seconds: a burst on the server as it is (a shift starting):
    /// session i opens at i x this and speaks as soon as it is acknowledged, decoder loads and all.</param>
    public static async Task<LoadReport> RunAsync(SevaServer server, Corpus corpus, int streams, int sentencesPerStream, double decoderBytes, CancellationToken cancellationToken, double? burstSpacing = null)
    {
        if (burstSpacing is null)
        {
            // Warm-up: N short sessions, so N decoders are loaded and have decoded (their search buffers
            // grown) before the idle figure is taken; what the run adds beyond it is the sessions' own.
            var warmUp = Enumerable.Range(0, streams).Select(i => new StreamClient(server, Script(corpus, i, 1), 0.5, i * 0.1)).ToList();
            await Task.WhenAll(warmUp.Select(c => c.ConnectAndStartAsync(cancellationToken)));
            await Task.WhenAll(warmUp.Where(c => c.Started).Select(c => c.RunAsync(cancellationToken)));
            warmUp.ForEach(c => c.Dispose());
            await Task.Delay(3000, cancellationToken); // let the server's recent-lag figure (2 s window) clear
        }

        var idle = await server.MetricsAsync();
        var random = new Random(streams);
        var clients = Enumerable.Range(0, streams)
            .Select(i => new StreamClient(server, Script(corpus, i, sentencesPerStream), pauseSeconds: 0.7 + (random.NextDouble() * 0.8), startDelay: burstSpacing is null ? random.NextDouble() * 3.0 : 0))
            .ToList();

        var atStart = await server.MetricsAsync();
        var wall = Stopwatch.StartNew();
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
        Task running;
        if (burstSpacing is { } spacing)
        {
            running = Task.WhenAll(clients.Select(async (c, i) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(i * spacing), cancellationToken);
                await c.ConnectAndStartAsync(cancellationToken);
                if (c.Started)
                {
                    await c.RunAsync(cancellationToken);
                }
            }));
        }
        else
        {
            // Every session starts (and gets its decoder) before any audio flows, so decoder loading is
            // not counted as decoding lag.
            await Task.WhenAll(clients.Select(c => c.ConnectAndStartAsync(cancellationToken)));
            atStart = await server.MetricsAsync();
            wall.Restart();
            clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
            running = Task.WhenAll(clients.Where(c => c.Started).Select(c => c.RunAsync(cancellationToken)));
        }

        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var samples = new List<ServerMetrics>();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                try
                {
                    samples.Add(await server.MetricsAsync());
                    await Task.Delay(500, sampling.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }, CancellationToken.None);

        await running;
        wall.Stop();
        var started = clients.Where(c => c.Started).ToList();
        clientCpu = Process.GetCurrentProcess().TotalProcessorTime - clientCpu;
        await sampling.CancelAsync();
        await sampler;
        var after = await server.MetricsAsync();

        var results = started.Select(c => c.Result!).ToList();
        clients.ForEach(c => c.Dispose());
        var finals = results.SelectMany(r => r.FinalLatencies).ToList();
        var partials = results.SelectMany(r => r.FirstPartialLatencies).ToList();
        var peak = samples.Count == 0 ? after : samples.MaxBy(s => s.WorkingSetBytes)!;
        var extraDecoders = Math.Max(0, peak.DecodersLoaded - idle.DecodersLoaded);
        var perSession = (peak.WorkingSetBytes - idle.WorkingSetBytes - (extraDecoders * decoderBytes)) / Math.Max(1, started.Count);
        var errors = results.SelectMany(r => r.Errors).Concat(clients.Where(c => !c.Started).Select(c => "refused:" + c.StartError))
            .GroupBy(e => e).ToDictionary(g => g.Key, g => g.Count());

        return new LoadReport(
            streams,
            started.Count,
            results.Sum(r => r.AudioSeconds),
            results.Sum(r => r.ReferenceWords) == 0 ? 0 : results.Sum(r => r.WordEdits) / (double)results.Sum(r => r.ReferenceWords),
            Summary.Of(partials),
            Summary.Of(finals),
            results.Count(r => r.FellBehind),
            results.Sum(r => r.MissedUtterances),
            results.Select(r => r.MaxSendLateness).DefaultIfEmpty(0).Max(),
            (after.CpuSeconds - atStart.CpuSeconds) / wall.Elapsed.TotalSeconds / after.Cores,
            clientCpu.TotalSeconds / wall.Elapsed.TotalSeconds / Environment.ProcessorCount,
            idle.WorkingSetBytes,
            peak.WorkingSetBytes,
            peak.DecodersLoaded,
            perSession,
            after.PercentileMs("ingest_delay", atStart, 0.5),
            after.PercentileMs("ingest_delay", atStart, 0.95),
            after.PercentileMs("handoff_delay", atStart, 0.5),
            after.PercentileMs("handoff_delay", atStart, 0.95),
            after.PercentileMs("decode_queue_delay", atStart, 0.5),
            after.PercentileMs("decode_queue_delay", atStart, 0.95),
            after.PercentileMs("chunk_decode_time", atStart, 0.95),
            after.PercentileMs("utterance_end_time", atStart, 0.95),
            errors);
    }

    /// <summary>Each stream speaks its own rotation of the corpus, so voices and sentences mix.</summary>
    private static List<Utterance> Script(Corpus corpus, int stream, int count) =>
        [.. Enumerable.Range(0, count).Select(k => corpus.Utterances[((stream * 5) + (k * 3)) % corpus.Utterances.Count])];
}

internal sealed record Summary(int Count, double P50, double P95, double P99, double Max)
{
    public static Summary Of(IReadOnlyList<double> values) => new(
        values.Count,
        Stats.Percentile(values, 0.50),
        Stats.Percentile(values, 0.95),
        Stats.Percentile(values, 0.99),
        values.Count == 0 ? double.NaN : values.Max());
}

/// <summary>One load run. Latencies in seconds; memory in bytes; CPU as a share of all cores.</summary>
internal sealed record LoadReport(
    int Streams,
    int StreamsStarted,
    double AudioSeconds,
    double WordErrorRate,
    Summary FirstPartialLatency,
    Summary FinalLatency,
    int StreamsBehind,
    int UtterancesWithoutFinal,
    double MaxClientSendLateness,
    double ServerCpu,
    double BenchCpu,
    long IdleWorkingSet,
    long PeakWorkingSet,
    int DecodersAtPeak,
    double MemoryPerSessionBeyondDecoders,
    double IngestP50Ms,
    double IngestP95Ms,
    double HandoffP50Ms,
    double HandoffP95Ms,
    double DecodeQueueP50Ms,
    double DecodeQueueP95Ms,
    double ChunkDecodeP95Ms,
    double UtteranceEndP95Ms,
    IReadOnlyDictionary<string, int> Errors)
{
    public bool Held(double limit) => StreamsStarted == Streams && StreamsBehind == 0 && FinalLatency.P95 <= limit;
}
