using System.ComponentModel.DataAnnotations;

namespace Seva.Actors.Speech.PocketSphinx;

public sealed class PocketSphinxOptions
{
    public const string SectionName = "Seva:Speech:PocketSphinx";

    /// <summary>Directory of the Debian package pocketsphinx-en-us.</summary>
    [Required]
    public string ModelDirectory { get; set; } = "/usr/share/pocketsphinx/model/en-us";

    public string AcousticModel { get; set; } = "en-us";

    public string LanguageModel { get; set; } = "en-us.lm.bin";

    public string Dictionary { get; set; } = "cmudict-en-us.dict";

    /// <summary>Live settings measured on these machines: finals ~0.4 s after the speaker stops, and
    /// about 0.06 x real time. The library defaults are over twice as slow for little accuracy;
    /// <c>-topn 2</c> (two Gaussians per mixture instead of four) took 10-24% off the decode time with
    /// the same word error rate on the pocketsphinx-testdata recordings and our flite corpus.</summary>
    public IList<string> DecoderArguments { get; set; } =
        ["-fwdflat", "no", "-maxhmmpf", "3000", "-maxwpf", "10", "-pl_window", "10", "-vad_postspeech", "30", "-topn", "2"];

    /// <summary>Upper bound on loaded decoders (each ~100 MB and 0.5-0.7 s to load).</summary>
    [Range(1, 1024)]
    public int MaxDecoders { get; set; } = 100;

    /// <summary>Decoders kept loaded while unused, so the next sessions start at once; decoders
    /// returned beyond this are freed.</summary>
    [Range(0, 1024)]
    public int IdleDecoders { get; set; } = 2;

    /// <summary>Decoders loaded in the background at start-up.</summary>
    [Range(0, 1024)]
    public int WarmDecoders { get; set; } = 2;

    /// <summary>Threads that decode all sessions' queued audio; about one per core.</summary>
    [Range(1, 256)]
    public int DecodeWorkers { get; set; } = Environment.ProcessorCount;

    /// <summary>Minimum time between two partial results of one stream, in milliseconds.</summary>
    [Range(0, 10_000)]
    public int PartialIntervalMilliseconds { get; set; } = 200;

    public string HmmPath => Path.Combine(ModelDirectory, AcousticModel);

    public string LanguageModelPath => Path.Combine(ModelDirectory, LanguageModel);

    public string DictionaryPath => Path.Combine(ModelDirectory, Dictionary);

    public IReadOnlyList<string> ToArguments()
    {
        var args = new List<string> { "-hmm", HmmPath, "-lm", LanguageModelPath, "-dict", DictionaryPath };
        args.AddRange(DecoderArguments);
        return args;
    }
}
