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

    /// <summary>Live settings measured on these machines: about 0.1 x real time, finals ~0.4 s after the
    /// speaker stops; the library defaults are slower for little accuracy.</summary>
    public IList<string> DecoderArguments { get; set; } =
        ["-fwdflat", "no", "-maxhmmpf", "3000", "-maxwpf", "10", "-pl_window", "10", "-vad_postspeech", "30"];

    /// <summary>Upper bound on loaded decoders (each ~100 MB and 0.5-0.7 s to load).</summary>
    [Range(1, 1024)]
    public int MaxDecoders { get; set; } = 100;

    /// <summary>Decoders kept loaded while unused, and loaded at start-up, so sessions start at once.</summary>
    [Range(0, 1024)]
    public int IdleDecoders { get; set; } = 2;

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
