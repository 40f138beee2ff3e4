using System.Diagnostics;
using Seva.Actors.Dictation;
using Seva.Actors.Speech;
using Seva.Web.Features.ApiKeys;
using Seva.Web.Features.Dictation;

namespace Seva.Web.Features.Metrics;

/// <summary><c>GET /api/v1/metrics</c>: load, engine and process figures for monitoring and the benchmark.</summary>
public static class MetricsEndpoints
{
    public static WebApplication MapMetricsApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/api/v1/metrics", Get).RequireAuthorization(ApiKeyExtensions.PolicyName);
        return app;
    }

    private static IResult Get(DictationSessions sessions, ISpeechEngine engine, SpeechMetrics metrics)
    {
        using var process = Process.GetCurrentProcess();
        var status = engine.GetStatus();
        var ingest = metrics.IngestDelay.Snapshot();
        var queue = metrics.DecodeQueueDelay.Snapshot();
        return Results.Json(
            new MetricsDto(
                sessions.ActiveCount,
                status.DecodersLoaded,
                status.DecodersIdle,
                status.DecodeWorkers,
                metrics.RecentDelay.TotalMilliseconds,
                Histogram(ingest),
                Histogram(metrics.HandoffDelay.Snapshot()),
                Histogram(queue),
                Histogram(metrics.ChunkDecodeTime.Snapshot()),
                Histogram(metrics.UtteranceEndTime.Snapshot()),
                new ProcessDto(process.WorkingSet64, process.PeakWorkingSet64, process.TotalProcessorTime.TotalSeconds, GC.GetTotalMemory(false), Environment.ProcessorCount)),
            DictationProtocol.Json);
    }

    private sealed record MetricsDto(
        int ActiveSessions,
        int DecodersLoaded,
        int DecodersIdle,
        int DecodeWorkers,
        double RecentDecodeDelayMs,
        HistogramDto IngestDelay,
        HistogramDto HandoffDelay,
        HistogramDto DecodeQueueDelay,
        HistogramDto ChunkDecodeTime,
        HistogramDto UtteranceEndTime,
        ProcessDto Process);

    private static HistogramDto Histogram(LatencySnapshot s) =>
        new(s.Count, s.PercentileMilliseconds(0.5), s.PercentileMilliseconds(0.95), s.PercentileMilliseconds(0.99), s.Max.TotalMilliseconds, s.Counts);

    /// <summary>A delay histogram since start; <see cref="Buckets"/> are raw counts, so two reads can be
    /// subtracted to get one interval's figures.</summary>
    private sealed record HistogramDto(long Count, double P50Ms, double P95Ms, double P99Ms, double MaxMs, IReadOnlyList<long> Buckets);

    private sealed record ProcessDto(long WorkingSetBytes, long PeakWorkingSetBytes, double CpuSeconds, long ManagedHeapBytes, int Cores);
}
