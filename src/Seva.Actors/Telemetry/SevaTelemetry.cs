using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Seva.Actors.Telemetry;

/// <summary>Seva's instruments (meter and activity source "Seva"), exported by the web host with
/// OpenTelemetry (Prometheus text at <c>/metrics</c>, OTLP when configured).</summary>
/// <remarks>Static, as libraries publish instruments: recording is a lock-free no-op until a listener
/// subscribes, so calls can sit on the audio path. Gauges are up-down counters moved where the state
/// changes, so no instrument holds a reference to a host object.</remarks>
public static class SevaTelemetry
{
    public const string Name = "Seva";

    /// <summary>Delay buckets from 10 µs to 30 s, about six a decade, fine enough for the benchmark's
    /// percentiles (the SDK's default buckets start at 5 ms).</summary>
    private static readonly IReadOnlyList<double> DelayBuckets =
    [
        0.00001, 0.000015, 0.00002, 0.00003, 0.00005, 0.00007,
        0.0001, 0.00015, 0.0002, 0.0003, 0.0005, 0.0007,
        0.001, 0.0015, 0.002, 0.003, 0.005, 0.007,
        0.01, 0.015, 0.02, 0.03, 0.05, 0.07,
        0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0, 1.2, 1.5, 2.0, 3.0, 5.0, 7.0,
        10, 15, 20, 30,
    ];

    public static Meter Meter { get; } = new(Name, "1.0");

    public static ActivitySource ActivitySource { get; } = new(Name, "1.0");

    public static UpDownCounter<int> ActiveDictations { get; } =
        Meter.CreateUpDownCounter<int>("seva.dictation.sessions.active", "{session}", "Dictation sessions running (WebSocket, browser and upload)");

    public static UpDownCounter<int> ActiveBroadcasts { get; } =
        Meter.CreateUpDownCounter<int>("seva.broadcast.sessions.active", "{broadcast}", "Live broadcasts");

    /// <summary>Tagged <c>language</c>.</summary>
    public static UpDownCounter<int> Listeners { get; } =
        Meter.CreateUpDownCounter<int>("seva.broadcast.listeners", "{listener}", "Listeners connected to broadcasts, by language");

    public static Counter<double> AudioReceived { get; } =
        Meter.CreateCounter<double>("seva.audio.received", "s", "Seconds of audio received for transcription");

    public static Histogram<double> FinalLatency { get; } = Delay(
        "seva.final.latency", "From the arrival of the audio that ends an utterance to its final result");

    public static Histogram<double> IngestDelay { get; } = Delay(
        "seva.ingest.delay", "From an audio frame arriving to its samples entering the decoder");

    public static Histogram<double> HandoffDelay { get; } = Delay(
        "seva.handoff.delay", "Seva's share of the ingest delay: from arrival to samples queued for the decoder");

    public static Histogram<double> DecodeQueueDelay { get; } = Delay(
        "seva.decode.queue.delay", "From audio queued for the decoder to a decode worker taking it");

    public static Histogram<double> ChunkDecodeDuration { get; } = Delay(
        "seva.decode.chunk.duration", "Time a decode worker spends on one chunk of audio");

    public static Histogram<double> UtteranceEndDuration { get; } = Delay(
        "seva.decode.utterance_end.duration", "Time a decode worker spends closing an utterance (search wrap-up, alignment)");

    /// <summary>Tagged <c>pass</c>: accurate (decoded again as a whole) or live (the live pass's final).</summary>
    public static Counter<long> Finals { get; } =
        Meter.CreateCounter<long>("seva.finals", "{final}", "Finals sent, by the pass that decoded them");

    public static Histogram<double> FinalPassDuration { get; } = Delay(
        "seva.decode.final_pass.duration", "Time a decode worker spends decoding a finished utterance again for its final");

    /// <summary>Tagged <c>kind</c>: open (a stream could not be opened) or stream (a stream failed mid-session).</summary>
    public static Counter<long> EngineFailures { get; } =
        Meter.CreateCounter<long>("seva.engine.failures", "{failure}", "Speech engine failures, counted by the engine's circuit breaker");

    public static Counter<long> EngineRecoveries { get; } =
        Meter.CreateCounter<long>("seva.engine.recoveries", "{recovery}", "Sessions that went on with a fresh stream after theirs failed");

    /// <summary>1 while the breaker refuses new sessions (open, or half-open until its probe succeeds).</summary>
    public static UpDownCounter<int> EngineBreakerOpen { get; } =
        Meter.CreateUpDownCounter<int>("seva.engine.breaker.open", "{breaker}", "Speech engine circuit breakers refusing new sessions");

    public static Counter<long> DecoderLoads { get; } =
        Meter.CreateCounter<long>("seva.decoder.loads", "{decoder}", "Speech decoders loaded");

    public static Histogram<double> DecoderLoadDuration { get; } = Delay(
        "seva.decoder.load.duration", "Time to load one speech decoder");

    /// <summary>Live decoder pools, read when the decoder gauges are collected.</summary>
    /// <remarks>Observed rather than counted: a pool frees decoders when sessions end, possibly after
    /// its host stopped, and counting those frees would skew another host's figures in one process.</remarks>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<object, Func<(int Loaded, int Idle)>> DecoderPools = new();

    public static ObservableUpDownCounter<int> DecodersLoaded { get; } =
        Meter.CreateObservableUpDownCounter("seva.decoders.loaded", () => DecoderPools.Values.Sum(p => p().Loaded), "{decoder}", "Speech decoders loaded (lent or idle)");

    public static ObservableUpDownCounter<int> DecodersIdle { get; } =
        Meter.CreateObservableUpDownCounter("seva.decoders.idle", () => DecoderPools.Values.Sum(p => p().Idle), "{decoder}", "Speech decoders loaded and waiting for a session");

    /// <summary>Makes a decoder pool's figures part of the decoder gauges until it is disposed.</summary>
    public static void ObserveDecoderPool(object pool, Func<(int Loaded, int Idle)> read) => DecoderPools[pool] = read;

    public static void ForgetDecoderPool(object pool) => DecoderPools.TryRemove(pool, out _);

    /// <summary>Tagged <c>error_code</c> (the protocol's code) and <c>api</c> (dictation, broadcast).</summary>
    public static Counter<long> Errors { get; } =
        Meter.CreateCounter<long>("seva.errors", "{error}", "Errors reported to clients, by error code");

    /// <summary>Tagged <c>kind</c>: audio (chunks dropped), control, status (requests refused).</summary>
    public static Counter<long> RateLimitDrops { get; } =
        Meter.CreateCounter<long>("seva.broadcast.rate_limited", "{message}", "Broadcast messages dropped or refused by rate limits");

    /// <summary>Tagged <c>kind</c>: audio_skipped (a listener too far behind for an utterance's speech),
    /// listener_dropped and speaker_dropped (a connection whose queue ran over its budget).</summary>
    public static Counter<long> BroadcastSlowClients { get; } =
        Meter.CreateCounter<long>("seva.broadcast.slow_clients", "{event}", "Spoken utterances skipped and connections dropped because a broadcast client stopped reading");

    /// <summary>Tagged <c>language</c> (the target): a broadcast translates each caption once per language in use.</summary>
    public static Counter<long> BroadcastTranslations { get; } =
        Meter.CreateCounter<long>("seva.broadcast.translations", "{caption}", "Broadcast captions translated, by target language");

    public static void RecordError(string api, string errorCode) =>
        Errors.Add(1, new KeyValuePair<string, object?>("api", api), new KeyValuePair<string, object?>("error_code", errorCode));

    private static Histogram<double> Delay(string name, string description) =>
        Meter.CreateHistogram(name, "s", description, tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = DelayBuckets });
}
