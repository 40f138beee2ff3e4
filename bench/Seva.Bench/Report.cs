using System.Globalization;

namespace Seva.Bench;

/// <summary>Plain-text tables of the figures.</summary>
internal static class Report
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void PrintEngine(EngineReport e)
    {
        Console.WriteLine();
        Console.WriteLine(string.Create(Inv, $"Engine ({e.AudioSeconds:F0} s of flite speech, slt + awb)"));
        Row("decode speed, Seva wrapper", string.Create(Inv, $"{e.WrapperRealTimeFactor:F3} x real time"));
        Row("decode speed, Seva wrapper, all workers busy", string.Create(Inv, $"{e.WrapperParallelRealTimeFactor:F3} x real time per stream"));
        Row("decode speed, pocketsphinx_continuous", string.Create(Inv, $"{e.RawRealTimeFactor:F3} x real time"));
        Row("word error rate, Seva wrapper", string.Create(Inv, $"{e.WrapperWordErrorRate:P1}"));
        Row("word error rate, pocketsphinx_continuous", string.Create(Inv, $"{e.RawWordErrorRate:P1}"));
        Row("decoder load time", string.Create(Inv, $"{e.DecoderLoadSeconds:F2} s"));
        Row("decoder memory (beyond shared model pages)", Mb(e.DecoderBytes));
        Row("MP3 encode, 16 kHz", string.Create(Inv, $"{e.Mp3MsPerSecondAt16k:F2} ms per audio second"));
        Row("MP3 encode, 48 kHz", string.Create(Inv, $"{e.Mp3MsPerSecondAt48k:F2} ms per audio second"));
        Row("resample 48 kHz -> 16 kHz", string.Create(Inv, $"{e.Resample48kMsPerSecond:F2} ms per audio second"));
        Row("resample 8 kHz -> 16 kHz", string.Create(Inv, $"{e.Resample8kMsPerSecond:F2} ms per audio second"));
    }

    public static void PrintLoad(IReadOnlyList<LoadReport> runs, double limit)
    {
        Console.WriteLine();
        Console.WriteLine("Live dictation at real-time pace (final latency: end of an utterance's audio to its final)");
        Console.WriteLine("streams | audio s |  WER  | 1st partial p50/p95 | final p50 / p95 / p99 / max | behind | no final | CPU server/bench | idle MB | peak MB | decoders | MB/session | ingest p50/p95 ms | = handoff p50/p95 ms + decode queue p50/p95 ms | chunk / utt. end p95 ms | errors");
        foreach (var r in runs)
        {
            var errors = r.Errors.Count == 0 ? "-" : string.Join(",", r.Errors.Select(e => $"{e.Key}x{e.Value}"));
            Console.WriteLine(string.Create(Inv,
                $"{r.Streams,7} | {r.AudioSeconds,7:F0} | {r.WordErrorRate,5:P1} | {r.FirstPartialLatency.P50,8:F2} / {r.FirstPartialLatency.P95,-8:F2} | {r.FinalLatency.P50,5:F2} / {r.FinalLatency.P95,4:F2} / {r.FinalLatency.P99,4:F2} / {r.FinalLatency.Max,4:F2} {(r.FinalLatency.P95 <= limit ? " " : "!")}| {r.StreamsBehind,6} | {r.UtterancesWithoutFinal,8} | {r.ServerCpu,6:P0} / {r.BenchCpu,-6:P0} | {r.IdleWorkingSet / 1048576.0,7:F0} | {r.PeakWorkingSet / 1048576.0,7:F0} | {r.DecodersAtPeak,8} | {r.MemoryPerSessionBeyondDecoders / 1048576.0,10:F2} | {r.IngestP50Ms,7:F2} / {r.IngestP95Ms,-7:F2} | {r.HandoffP50Ms,8:F2} / {r.HandoffP95Ms,-6:F2} + {r.DecodeQueueP50Ms,8:F2} / {r.DecodeQueueP95Ms,-8:F2} | {r.ChunkDecodeP95Ms,10:F1} / {r.UtteranceEndP95Ms,-10:F1} | {errors}"));
        }
    }

    public static void PrintAccuracy(AccuracyReport a)
    {
        Console.WriteLine();
        Console.WriteLine("Accuracy: short independent dictations, each its own session (word error rate; lower is better)");
        Console.WriteLine("voice     | dictations | words | Seva finals | raw engine, defaults | raw engine, Seva's live settings | Seva / defaults");
        foreach (var r in a.Rows)
        {
            Console.WriteLine(string.Create(Inv,
                $"{r.Voice,-9} | {r.Dictations,10} | {r.Words,5} | {r.Seva,11:P1} | {r.RawDefaults,20:P1} | {r.RawLive,32:P1} | {r.RelativeToDefaults,15:F2}"));
        }
    }

    public static void PrintBroadcast(BroadcastReport b)
    {
        Console.WriteLine();
        Console.WriteLine(string.Create(Inv, $"Broadcast: one speaker at real-time pace, {b.Listeners} listeners (es/fr/pt, a third with speech) and {b.SlowListeners} that stop reading"));
        Row("listeners joined", string.Create(Inv, $"{b.ListenersJoined} ({b.ListenersAtEnd} still connected at the end)"));
        Row("speech", string.Create(Inv, $"{b.SpeechSeconds:F0} s, {b.Finals} finals, {b.Captions} captions in all"));
        Row("delivery to the last listener, p50 / p95", string.Create(Inv, $"{b.LastListenerP50Ms:F0} / {b.LastListenerP95Ms:F0} ms (from the final leaving the engine)"));
        Row("delivery to any listener, p50 / p95", string.Create(Inv, $"{b.DeliveryP50Ms:F0} / {b.DeliveryP95Ms:F0} ms"));
        Row("delivery to the speaker, p95", string.Create(Inv, $"{b.SpeakerP95Ms:F0} ms"));
        Row("finals a listener never got", string.Create(Inv, $"{b.MissingDeliveries}"));
        Row("translations per caption per language", string.Create(Inv, $"{b.TranslationsPerCaptionPerLanguage:F2}"));
        Row("server memory per listener", string.Create(Inv, $"{b.KiBPerListener:F0} KiB (working set {b.ServerWorkingSetMiB:F0} MiB at the end)"));
        Row("server CPU while speaking", string.Create(Inv, $"{b.ServerCpuFraction:P0} of the machine"));
        Row("spoken audio received by listeners", string.Create(Inv, $"{b.AudioMiBReceived:F1} MiB"));
        Row("slow listeners dropped / utterances skipped", string.Create(Inv, $"{b.SlowListenersDropped} / {b.SpokenUtterancesSkipped}"));
    }

    private static void Row(string name, string value) => Console.WriteLine($"  {name,-44} {value}");

    private static string Mb(double bytes) => string.Create(Inv, $"{bytes / 1048576.0:F1} MB");
}
