using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Seva.Actors.Audio;
using Seva.Actors.Audio.Lame;
using Seva.Actors.Speech;
using Seva.Actors.Speech.PocketSphinx;

namespace Seva.Bench;

/// <summary>The engine alone: our wrapper against pocketsphinx_continuous on the same audio, decoder
/// load time and memory, and the cost of MP3 encoding and resampling per second of audio.</summary>
internal static class EngineBench
{
    public static async Task<EngineReport> RunAsync(Corpus corpus, TextWriter log)
    {
        using var provider = BuildEngine();
        var engine = provider.GetRequiredService<ISpeechEngine>();
        var arguments = provider.GetRequiredService<IOptions<PocketSphinxOptions>>().Value.ToArguments();

        // One long recording: every corpus sentence with a second of silence around it.
        var audio = new List<short>(new short[Corpus.Rate]);
        foreach (var u in corpus.Utterances)
        {
            audio.AddRange(u.Samples);
            audio.AddRange(new short[Corpus.Rate]);
        }

        var samples = audio.ToArray();
        var seconds = samples.Length / (double)Corpus.Rate;
        var reference = string.Join(' ', corpus.Utterances.Select(u => u.Text));

        log.WriteLine("engine: loading decoders ...");
        var (loadTimes, decoderBytes) = await MeasureDecoderLoadAsync(engine);

        log.WriteLine("engine: decoding with the Seva wrapper ...");
        var (wrapperSeconds, wrapperText) = await DecodeWithWrapperAsync(engine, samples);

        log.WriteLine("engine: decoding two streams at once ...");
        var parallelSeconds = await DecodeInParallelAsync(engine, samples, streams: provider.GetRequiredService<IOptions<PocketSphinxOptions>>().Value.DecodeWorkers);

        log.WriteLine("engine: decoding with pocketsphinx_continuous ...");
        var (rawSeconds, rawText) = DecodeWithRawEngine(samples, arguments);

        log.WriteLine("engine: MP3 and resampling ...");
        return new EngineReport(
            seconds,
            wrapperSeconds / seconds,
            parallelSeconds / seconds,
            rawSeconds / seconds,
            Stats.WordEdits(reference, wrapperText) / (double)Stats.Words(reference),
            Stats.WordEdits(reference, rawText) / (double)Stats.Words(reference),
            loadTimes.Average(),
            decoderBytes,
            Mp3MillisecondsPerSecond(samples, Corpus.Rate),
            Mp3MillisecondsPerSecond(Resampler.Convert(samples, Corpus.Rate, 48000), 48000),
            ResampleMillisecondsPerSecond(Resampler.Convert(samples, Corpus.Rate, 48000), 48000),
            ResampleMillisecondsPerSecond(Resampler.Convert(samples, Corpus.Rate, 8000), 8000));
    }

    /// <summary>Measures a decoder's load time and memory in this process (shared model pages are
    /// counted once, by loading one decoder before measuring the next ones).</summary>
    public static async Task<(List<double> LoadSeconds, double Bytes)> MeasureDecoderLoadAsync(ISpeechEngine engine)
    {
        var streams = new List<ISpeechStream>();
        var times = new List<double>();
        long before = 0;
        const int measured = 3;
        for (var i = 0; i <= measured; i++)
        {
            if (i == 1)
            {
                before = WorkingSet();
            }

            var watch = Stopwatch.StartNew();
            streams.Add(await engine.OpenStreamAsync(SpeechStreamOptions.Default, new NullSink(), CancellationToken.None));
            times.Add(watch.Elapsed.TotalSeconds);
        }

        var after = WorkingSet();
        foreach (var stream in streams)
        {
            await stream.DisposeAsync();
        }

        return (times, (after - before) / (double)measured);
    }

    private static async Task<(double Seconds, string Text)> DecodeWithWrapperAsync(ISpeechEngine engine, short[] samples)
    {
        var sink = new TextSink();
        await using var stream = await engine.OpenStreamAsync(SpeechStreamOptions.Default, sink, CancellationToken.None);
        var watch = Stopwatch.StartNew();
        for (var offset = 0; offset < samples.Length; offset += 4000)
        {
            stream.Write(samples.AsSpan(offset, Math.Min(4000, samples.Length - offset)), TimeProvider.System.GetTimestamp());
        }

        await stream.CompleteAsync(CancellationToken.None);
        return (watch.Elapsed.TotalSeconds, sink.Text);
    }

    /// <summary>One stream per decode worker, all at once: the CPU time each audio second costs when
    /// every core decodes (decoders compete for memory bandwidth and cache).</summary>
    private static async Task<double> DecodeInParallelAsync(ISpeechEngine engine, short[] samples, int streams)
    {
        var opened = new List<ISpeechStream>();
        for (var i = 0; i < streams; i++)
        {
            opened.Add(await engine.OpenStreamAsync(SpeechStreamOptions.Default, new TextSink(), CancellationToken.None));
        }

        var watch = Stopwatch.StartNew();
        for (var offset = 0; offset < samples.Length; offset += 4000)
        {
            foreach (var stream in opened)
            {
                stream.Write(samples.AsSpan(offset, Math.Min(4000, samples.Length - offset)), TimeProvider.System.GetTimestamp());
            }
        }

        await Task.WhenAll(opened.Select(s => s.CompleteAsync(CancellationToken.None)));
        var elapsed = watch.Elapsed.TotalSeconds;
        foreach (var stream in opened)
        {
            await stream.DisposeAsync();
        }

        return elapsed; // each stream's audio took this long while all decoded together
    }

    private static (double Seconds, string Text) DecodeWithRawEngine(short[] samples, IReadOnlyList<string> arguments)
    {
        var file = Path.Combine(Path.GetTempPath(), $"seva-bench-{Guid.NewGuid():N}.wav");
        var empty = Path.Combine(Path.GetTempPath(), $"seva-bench-{Guid.NewGuid():N}.wav");
        try
        {
            File.WriteAllBytes(file, new WavFile(Corpus.Rate, samples).ToBytes());
            File.WriteAllBytes(empty, new WavFile(Corpus.Rate, new short[Corpus.Rate / 2]).ToBytes());
            var (startup, _) = RunContinuous(empty, arguments);
            var (total, text) = RunContinuous(file, arguments);
            return (Math.Max(0, total - startup), text);
        }
        finally
        {
            File.Delete(file);
            File.Delete(empty);
        }
    }

    internal static (double Seconds, string Text) RunContinuous(string wav, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo("pocketsphinx_continuous") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-infile");
        start.ArgumentList.Add(wav);
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("pocketsphinx_continuous is missing: install the Debian package pocketsphinx.");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        _ = stderr.Result;
        var text = string.Join(' ', stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return (watch.Elapsed.TotalSeconds, HypothesisText.Clean(text));
    }

    private static double Mp3MillisecondsPerSecond(short[] samples, int rate)
    {
        using var encoder = new Mp3Encoder(rate, Mp3Encoder.BitrateFor(rate));
        var chunk = rate / 4;
        var output = new byte[Mp3Encoder.MaxOutputBytes(chunk)];
        var watch = Stopwatch.StartNew();
        for (var offset = 0; offset < samples.Length; offset += chunk)
        {
            encoder.Encode(samples.AsSpan(offset, Math.Min(chunk, samples.Length - offset)), output);
        }

        encoder.Flush(output);
        return watch.Elapsed.TotalMilliseconds / (samples.Length / (double)rate);
    }

    private static double ResampleMillisecondsPerSecond(short[] samples, int rate)
    {
        var resampler = new Resampler(rate, Corpus.Rate);
        var chunk = rate / 4;
        var output = new short[resampler.MaxOutput(chunk)];
        var watch = Stopwatch.StartNew();
        for (var offset = 0; offset < samples.Length; offset += chunk)
        {
            resampler.Process(samples.AsSpan(offset, Math.Min(chunk, samples.Length - offset)), output);
        }

        return watch.Elapsed.TotalMilliseconds / (samples.Length / (double)rate);
    }

    private static long WorkingSet()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }

    private static ServiceProvider BuildEngine()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Seva:Speech:PocketSphinx:IdleDecoders"] = "1" })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddPocketSphinx();
        return services.BuildServiceProvider();
    }

    private sealed class NullSink : ISpeechResultSink
    {
        public void OnResult(RecognitionResult result)
        {
        }

        public void OnError(Exception failure)
        {
        }
    }

    private sealed class TextSink : ISpeechResultSink
    {
        private readonly List<string> _finals = [];

        public string Text
        {
            get
            {
                lock (_finals)
                {
                    return string.Join(' ', _finals);
                }
            }
        }

        public void OnResult(RecognitionResult result)
        {
            if (!result.IsPartial)
            {
                lock (_finals)
                {
                    _finals.Add(result.Text);
                }
            }
        }

        public void OnError(Exception failure) => Console.Error.WriteLine("engine error: " + failure.Message);
    }
}

/// <summary>Engine figures: speeds as x real time (lower is faster), costs in ms per audio second.</summary>
internal sealed record EngineReport(
    double AudioSeconds,
    double WrapperRealTimeFactor,
    double WrapperParallelRealTimeFactor,
    double RawRealTimeFactor,
    double WrapperWordErrorRate,
    double RawWordErrorRate,
    double DecoderLoadSeconds,
    double DecoderBytes,
    double Mp3MsPerSecondAt16k,
    double Mp3MsPerSecondAt48k,
    double Resample48kMsPerSecond,
    double Resample8kMsPerSecond);
