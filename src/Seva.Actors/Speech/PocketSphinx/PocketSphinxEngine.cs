using Microsoft.Extensions.Options;

namespace Seva.Actors.Speech.PocketSphinx;

/// <summary>PocketSphinx behind <see cref="ISpeechEngine"/>: pooled decoders, shared decode workers.</summary>
internal sealed class PocketSphinxEngine(
    DecoderPool pool,
    DecodeWorkers workers,
    IOptions<PocketSphinxOptions> options,
    TimeProvider time,
    SpeechMetrics metrics) : ISpeechEngine
{
    public const int MaxVocabularyEntries = 500;
    private const int MaxWordLength = 64;

    /// <summary>Unigram probability of a session word. Measured: at 1e-3 a made-up word ("zorbit") still
    /// lost to common words that sound like it ("our day"); 1e-2 let it through, recognises a drug name
    /// ("metoprolol") with the live settings, and leaves sentences without the word as they were (see
    /// the engine tests).</summary>
    private const double SessionWordProbability = 1e-2;

    public int SampleRate => 16_000;

    public SpeechEngineStatus GetStatus() => new(pool.Loaded, pool.Idle, workers.Count, pool.HasLoaded, pool.LoadError);

    public async Task<ISpeechStream> OpenStreamAsync(SpeechStreamOptions streamOptions, ISpeechResultSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(streamOptions);
        ArgumentNullException.ThrowIfNull(sink);
        ValidateVocabularyShape(streamOptions.Vocabulary);
        var decoder = await pool.RentAsync(cancellationToken);
        try
        {
            AddSessionWords(decoder, streamOptions.Vocabulary);
        }
        catch
        {
            pool.Return(decoder, healthy: true);
            throw;
        }

        return new PocketSphinxStream(decoder, pool, workers, sink, time, TimeSpan.FromMilliseconds(options.Value.PartialIntervalMilliseconds), metrics);
    }

    private static void ValidateVocabularyShape(IReadOnlyList<VocabularyEntry> vocabulary)
    {
        if (vocabulary.Count > MaxVocabularyEntries)
        {
            throw new VocabularyException(MaxVocabularyEntries, $"At most {MaxVocabularyEntries} custom words are allowed per session.");
        }

        for (var i = 0; i < vocabulary.Count; i++)
        {
            var word = vocabulary[i].Word;
            if (word.Length == 0 || word.Length > MaxWordLength || word.Any(char.IsWhiteSpace) || word.Any(c => c is '(' or ')' or '<' or '[' or ':'))
            {
                throw new VocabularyException(i, $"'{word}' is not a usable word: give one word of 1-{MaxWordLength} characters without spaces or brackets, optionally followed by ':' and its phones.");
            }
        }
    }

    private static void AddSessionWords(PocketSphinxDecoder decoder, IReadOnlyList<VocabularyEntry> vocabulary)
    {
        // The dictionary is lower case; adding words one by one and rebuilding the search once at the end
        // keeps a long list fast.
        var pending = new List<(int Index, string Word, string Phones)>();
        for (var i = 0; i < vocabulary.Count; i++)
        {
            var word = vocabulary[i].Word.ToLowerInvariant();
            var known = decoder.LookupWord(word);
            if (vocabulary[i].Pronunciation is { } given)
            {
                if (known is null)
                {
                    pending.Add((i, word, given.ToUpperInvariant()));
                }
                else if (!string.Equals(known, given, StringComparison.OrdinalIgnoreCase))
                {
                    throw new VocabularyException(i, $"'{word}' is already in the dictionary as '{known}'; leave out the pronunciation to use it.");
                }
            }
            else if (known is null)
            {
                throw new VocabularyException(i, $"'{word}' is not in the dictionary: give its pronunciation as '{word}:PH1 PH2 ...' (CMU phones, e.g. 'metoprolol:M EH T AH P R AW L AA L').");
            }
        }

        for (var j = 0; j < pending.Count; j++)
        {
            var (index, word, phones) = pending[j];
            if (!decoder.AddWord(word, phones, SessionWordProbability, update: j == pending.Count - 1))
            {
                throw new VocabularyException(index, $"'{word}' could not be added: its pronunciation '{phones}' uses phones the model does not have.");
            }
        }
    }
}
