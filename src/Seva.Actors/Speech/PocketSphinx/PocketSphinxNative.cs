using System.Runtime.InteropServices;

namespace Seva.Actors.Speech.PocketSphinx;

/// <summary>P/Invoke declarations for Debian's libpocketsphinx3 / libsphinxbase3 (5prealpha API).</summary>
internal static partial class PocketSphinxNative
{
    internal const string PocketSphinxLibrary = "libpocketsphinx.so.3";
    internal const string SphinxBaseLibrary = "libsphinxbase.so.3";
    internal const string LibC = "libc.so.6";

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_args")]
    internal static partial nint ps_args();

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_init")]
    internal static partial nint ps_init(nint config);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_free")]
    internal static partial int ps_free(nint decoder);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_start_stream")]
    internal static partial int ps_start_stream(DecoderHandle decoder);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_start_utt")]
    internal static partial int ps_start_utt(DecoderHandle decoder);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_end_utt")]
    internal static partial int ps_end_utt(DecoderHandle decoder);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_process_raw")]
    internal static unsafe partial int ps_process_raw(DecoderHandle decoder, short* data, nuint samples, int noSearch, int fullUtterance);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_get_in_speech")]
    internal static partial byte ps_get_in_speech(DecoderHandle decoder);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_get_hyp")]
    internal static partial nint ps_get_hyp(DecoderHandle decoder, out int bestScore);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_get_prob")]
    internal static partial int ps_get_prob(DecoderHandle decoder);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_get_n_frames")]
    internal static partial int ps_get_n_frames(DecoderHandle decoder);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_get_logmath")]
    internal static partial nint ps_get_logmath(DecoderHandle decoder);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_get_feat")]
    internal static partial nint ps_get_feat(DecoderHandle decoder);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_seg_iter")]
    internal static partial nint ps_seg_iter(DecoderHandle decoder);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_seg_next")]
    internal static partial nint ps_seg_next(nint segment);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_seg_word")]
    internal static partial nint ps_seg_word(nint segment);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_seg_frames")]
    internal static partial void ps_seg_frames(nint segment, out int startFrame, out int endFrame);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_seg_prob")]
    internal static partial int ps_seg_prob(nint segment, out int acousticScore, out int languageScore, out int languageBackoff);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_seg_free")]
    internal static partial void ps_seg_free(nint segment);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_add_word", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ps_add_word(DecoderHandle decoder, string word, string phones, int update);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_lookup_word", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint ps_lookup_word(DecoderHandle decoder, string word);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_get_search")]
    internal static partial nint ps_get_search(DecoderHandle decoder);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_get_lm")]
    internal static partial nint ps_get_lm(DecoderHandle decoder, nint name);

    [LibraryImport(SphinxBaseLibrary, EntryPoint = "ngram_model_set_lookup")]
    internal static partial nint ngram_model_set_lookup(nint set, nint name);

    [LibraryImport(SphinxBaseLibrary, EntryPoint = "ngram_model_add_word", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ngram_model_add_word(nint model, string word, float weight);

    [LibraryImport(SphinxBaseLibrary, EntryPoint = "ngram_wid", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ngram_wid(nint model, string word);

    [LibraryImport(SphinxBaseLibrary, EntryPoint = "ngram_unknown_wid")]
    internal static partial int ngram_unknown_wid(nint model);

    [LibraryImport(SphinxBaseLibrary, EntryPoint = "ngram_model_get_counts")]
    internal static partial nint ngram_model_get_counts(nint model);

    [LibraryImport(SphinxBaseLibrary, EntryPoint = "cmd_ln_parse_r")]
    internal static partial nint cmd_ln_parse_r(nint config, nint definitions, int argc, nint argv, int strict);

    [LibraryImport(SphinxBaseLibrary, EntryPoint = "cmd_ln_free_r")]
    internal static partial int cmd_ln_free_r(nint config);

    [LibraryImport(SphinxBaseLibrary, EntryPoint = "logmath_exp")]
    internal static partial double logmath_exp(nint logmath, int value);

    [LibraryImport(SphinxBaseLibrary, EntryPoint = "cmn_live_get")]
    internal static unsafe partial void cmn_live_get(nint cmn, float* vector);

    [LibraryImport(SphinxBaseLibrary, EntryPoint = "cmn_live_set")]
    internal static unsafe partial void cmn_live_set(nint cmn, float* vector);

    [LibraryImport(SphinxBaseLibrary, EntryPoint = "err_set_logfp")]
    internal static partial void err_set_logfp(nint file);

    [LibraryImport(LibC, EntryPoint = "pipe", SetLastError = true)]
    internal static unsafe partial int pipe(int* fds);

    [LibraryImport(LibC, EntryPoint = "fdopen", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint fdopen(int fd, string mode);

    [LibraryImport(LibC, EntryPoint = "setvbuf")]
    internal static partial int setvbuf(nint file, nint buffer, int mode, nuint size);

    [LibraryImport(LibC, EntryPoint = "malloc_trim")]
    internal static partial int malloc_trim(nuint pad);

    /// <summary>Offset of <c>cmn_struct</c> in sphinxbase's <c>feat_t</c> on 64-bit Linux (checked with offsetof).</summary>
    internal const int FeatCmnStructOffset = 88;

    /// <summary>Offset of <c>veclen</c> in sphinxbase's <c>cmn_t</c>.</summary>
    internal const int CmnVeclenOffset = 28;

    internal const int LineBuffered = 1; // _IOLBF
}
