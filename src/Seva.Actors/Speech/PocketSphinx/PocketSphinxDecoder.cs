using System.Runtime.InteropServices;

namespace Seva.Actors.Speech.PocketSphinx;

/// <summary>One loaded PocketSphinx decoder.</summary>
/// <remarks>Not thread-safe: the library keeps all search state inside the decoder, so exactly one
/// thread may call into an instance at a time. <see cref="DecoderPool"/> enforces that by lending each
/// decoder to one stream, and <see cref="DecodeWorkers"/> runs a stream on one worker at a time.</remarks>
internal sealed class PocketSphinxDecoder : IDisposable
{
    private readonly ConfigHandle _config;
    private readonly DecoderHandle _decoder;
    private readonly nint _logmath;
    private readonly nint _cmn;
    private readonly float[] _initialCmn;

    private PocketSphinxDecoder(ConfigHandle config, DecoderHandle decoder)
    {
        _config = config;
        _decoder = decoder;
        _logmath = PocketSphinxNative.ps_get_logmath(decoder);
        var feat = PocketSphinxNative.ps_get_feat(decoder);
        _cmn = Marshal.ReadIntPtr(feat, PocketSphinxNative.FeatCmnStructOffset);
        var veclen = Marshal.ReadInt32(_cmn, PocketSphinxNative.CmnVeclenOffset);
        if (veclen is <= 0 or > 64)
        {
            throw new SpeechEngineException($"Unexpected cepstral vector length {veclen}: the installed sphinxbase does not match the layout Seva was built for.");
        }

        _initialCmn = new float[veclen];
        SaveCmn(_initialCmn);
    }

    /// <summary>Whether session words were added: such a decoder is not lent to another session.</summary>
    public bool HasSessionWords { get; private set; }

    public static PocketSphinxDecoder Load(IReadOnlyList<string> arguments)
    {
        PocketSphinxLog.EnsureRouted();
        var config = ConfigHandle.Parse(arguments);
        var raw = PocketSphinxNative.ps_init(config.DangerousGetHandle());
        if (raw == 0)
        {
            config.Dispose();
            throw new SpeechEngineException("PocketSphinx could not load its model (see the engine log for the file it could not read).");
        }

        return new PocketSphinxDecoder(config, new DecoderHandle(raw));
    }

    /// <summary>Puts the cepstral mean back to the model's initial value, so a session does not inherit
    /// the previous session's microphone and voice.</summary>
    public void ResetCmn() => RestoreCmn(_initialCmn);

    public unsafe void SaveCmn(Span<float> into)
    {
        fixed (float* p = into)
        {
            PocketSphinxNative.cmn_live_get(_cmn, p);
        }
    }

    public unsafe void RestoreCmn(ReadOnlySpan<float> from)
    {
        fixed (float* p = from)
        {
            PocketSphinxNative.cmn_live_set(_cmn, p);
        }
    }

    /// <summary>Starts a new stream: frame numbers (word times) count from here again, and the noise
    /// level estimate starts fresh.</summary>
    public void StartStream() => Check(PocketSphinxNative.ps_start_stream(_decoder), "ps_start_stream");

    public void StartUtterance() => Check(PocketSphinxNative.ps_start_utt(_decoder), "ps_start_utt");

    public void EndUtterance() => Check(PocketSphinxNative.ps_end_utt(_decoder), "ps_end_utt");

    public unsafe void Process(ReadOnlySpan<short> samples)
    {
        fixed (short* p = samples)
        {
            Check(PocketSphinxNative.ps_process_raw(_decoder, p, (nuint)samples.Length, 0, 0), "ps_process_raw");
        }
    }

    /// <summary>Decodes a whole utterance at once: the library then normalises it with its own
    /// cepstral mean instead of the running one.</summary>
    public unsafe void ProcessWhole(ReadOnlySpan<short> samples)
    {
        fixed (short* p = samples)
        {
            Check(PocketSphinxNative.ps_process_raw(_decoder, p, (nuint)samples.Length, 0, 1), "ps_process_raw");
        }
    }

    public bool InSpeech => PocketSphinxNative.ps_get_in_speech(_decoder) != 0;

    public int FramesInUtterance => PocketSphinxNative.ps_get_n_frames(_decoder);

    public string Hypothesis()
    {
        var hyp = PocketSphinxNative.ps_get_hyp(_decoder, out _);
        return hyp == 0 ? string.Empty : Marshal.PtrToStringUTF8(hyp) ?? string.Empty;
    }

    /// <summary>Posterior probability of the best hypothesis of the ended utterance, 0..1.</summary>
    public double HypothesisProbability()
    {
        var p = PocketSphinxNative.logmath_exp(_logmath, PocketSphinxNative.ps_get_prob(_decoder));
        return double.IsFinite(p) ? Math.Clamp(p, 0, 1) : 0;
    }

    /// <summary>Words of the current best path, with frame times (100 frames per second) and posteriors.</summary>
    public List<(string Word, int StartFrame, int EndFrame, double Probability)> Segments()
    {
        var result = new List<(string, int, int, double)>();
        for (var seg = PocketSphinxNative.ps_seg_iter(_decoder); seg != 0; seg = PocketSphinxNative.ps_seg_next(seg))
        {
            var word = Marshal.PtrToStringUTF8(PocketSphinxNative.ps_seg_word(seg)) ?? string.Empty;
            PocketSphinxNative.ps_seg_frames(seg, out var sf, out var ef);
            var prob = PocketSphinxNative.logmath_exp(_logmath, PocketSphinxNative.ps_seg_prob(seg, out _, out _, out _));
            result.Add((word, sf, ef, double.IsFinite(prob) ? Math.Clamp(prob, 0, 1) : 0));
        }

        return result;
    }

    /// <summary>The dictionary pronunciation of a word, or null when the word is not in the dictionary.</summary>
    public string? LookupWord(string word)
    {
        var phones = PocketSphinxNative.ps_lookup_word(_decoder, word);
        if (phones == 0)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(phones);
        }
        finally
        {
            Marshal.FreeHGlobal(phones); // allocated by the library with malloc (ckd_calloc)
        }
    }

    /// <summary>Adds a word with its pronunciation to the dictionary and the language model, with the
    /// unigram probability <paramref name="probability"/>; <paramref name="update"/> rebuilds the search.</summary>
    /// <remarks>The library would give a new word a weight of one over the vocabulary size (~1e-5), far
    /// too rare to ever win against the words it sounds like. The word is therefore put into the n-gram
    /// model underneath the decoder's model set first, with our probability; the set then finds it there
    /// and keeps that probability when <c>ps_add_word</c> adds it to the dictionary.</remarks>
    public bool AddWord(string word, string phones, double probability, bool update)
    {
        HasSessionWords = true;
        var model = LanguageModel();
        if (model != 0 && PocketSphinxNative.ngram_wid(model, word) == PocketSphinxNative.ngram_unknown_wid(model))
        {
            var unigrams = (uint)Marshal.ReadInt32(PocketSphinxNative.ngram_model_get_counts(model));
            if (PocketSphinxNative.ngram_model_add_word(model, word, (float)(probability * unigrams)) < 0)
            {
                return false;
            }
        }

        return PocketSphinxNative.ps_add_word(_decoder, word, phones, update ? 1 : 0) >= 0;
    }

    /// <summary>The n-gram model under the current search's model set (0 if the search has none).</summary>
    private nint LanguageModel()
    {
        var set = PocketSphinxNative.ps_get_lm(_decoder, PocketSphinxNative.ps_get_search(_decoder));
        return set == 0 ? 0 : PocketSphinxNative.ngram_model_set_lookup(set, 0);
    }

    public void Dispose()
    {
        _decoder.Dispose();
        _config.Dispose();
    }

    private static void Check(int rc, string call)
    {
        if (rc < 0)
        {
            throw new SpeechEngineException($"PocketSphinx {call} failed ({rc}).");
        }
    }
}
