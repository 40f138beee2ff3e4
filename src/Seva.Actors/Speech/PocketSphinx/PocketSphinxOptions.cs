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

    /// <summary>When a final is decoded again, as a whole, by an accurate decoder (see <see cref="AccurateFinalPass"/>).</summary>
    public AccurateFinalsMode AccurateFinals { get; set; } = AccurateFinalsMode.Auto;

    /// <summary>Settings of the accurate pass over each finished utterance. Measured on short
    /// dictations (bench accuracy mode): decoding an utterance whole, with its own cepstral mean,
    /// roughly halves the live pass's word errors, with the live pass's fast search settings.</summary>
    /// <remarks><c>-vad_prespeech 50</c> (0.5 s) keeps every frame of the pre-roll that precedes the
    /// words (0.3 s are kept), so frame numbers, and word times, count from the first sample.</remarks>
    public IList<string> FinalPassArguments { get; set; } =
        ["-fwdflat", "no", "-maxhmmpf", "3000", "-maxwpf", "10", "-pl_window", "10", "-topn", "2", "-vad_prespeech", "50"];

    /// <summary>In <see cref="AccurateFinalsMode.Auto"/>, a session's finals get the accurate pass until
    /// this much of its speech has been decoded. The live pass's running cepstral mean is only updated
    /// when an utterance ends, so it is wrong for a session's first utterance and close afterwards:
    /// measured, the later finals of a session gain little from a second pass, the first ones most.</summary>
    [Range(0, 86_400)]
    public double AccurateFinalsFirstSeconds { get; set; } = 8;

    /// <summary>In <see cref="AccurateFinalsMode.Auto"/>, finals get the accurate pass only while the
    /// decode workers were busy less than this share of the last seconds.</summary>
    [Range(0.0, 1.0)]
    public double AccurateFinalsMaxBusy { get; set; } = 0.4;

    /// <summary>In <see cref="AccurateFinalsMode.Auto"/>, finals get the accurate pass only while audio
    /// waits less than this for a decode worker: under load the live pass's final is sent at once.</summary>
    [Range(0, 60_000)]
    public int AccurateFinalsMaxDelayMilliseconds { get; set; } = 150;

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

    public IReadOnlyList<string> ToArguments() => ModelArguments(DecoderArguments);

    public IReadOnlyList<string> ToFinalPassArguments() => ModelArguments(FinalPassArguments);

    private List<string> ModelArguments(IEnumerable<string> settings)
    {
        var args = new List<string> { "-hmm", HmmPath, "-lm", LanguageModelPath, "-dict", DictionaryPath };
        args.AddRange(settings);
        return args;
    }
}

/// <summary>Whether finals are decoded a second time, accurately: <see cref="Auto"/> while the decode
/// workers keep up, <see cref="Always"/>, or <see cref="Never"/> (the live pass's final, at once).</summary>
public enum AccurateFinalsMode
{
    Auto,
    Always,
    Never,
}
