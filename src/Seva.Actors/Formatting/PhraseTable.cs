namespace Seva.Actors.Formatting;

/// <summary>Phrases of recognised words and what each stands for. Matching is ordinal: the engine emits
/// lower-case words, and a word the formatter has already written ("May", "Period" after "cap") must not
/// match again, or formatting its own output would change it.</summary>
internal sealed class PhraseTable<T>
{
    private readonly Dictionary<string, (string[] Words, T Value)[]> _byFirstWord;

    public PhraseTable(IEnumerable<(string Phrase, T Value)> rows)
    {
        _byFirstWord = rows
            .Select(row => (Words: row.Phrase.Split(' ', StringSplitOptions.RemoveEmptyEntries), row.Value))
            .GroupBy(row => row.Words[0], StringComparer.Ordinal)
            // Longest first, so "degrees fahrenheit" wins over "degrees".
            .ToDictionary(g => g.Key, g => g.OrderByDescending(row => row.Words.Length).ToArray(), StringComparer.Ordinal);
    }

    public IEnumerable<string> Words => _byFirstWord.Values.SelectMany(rows => rows).SelectMany(row => row.Words);

    public IEnumerable<T> Values => _byFirstWord.Values.SelectMany(rows => rows).Select(row => row.Value);

    public bool Contains(IReadOnlyList<string> words, int index) => TryMatch(words, index, out _, out _);

    public bool TryMatch(IReadOnlyList<string> words, int index, out T value, out int length) =>
        TryMatch(words, index, static _ => true, out value, out length);

    /// <summary>The longest row at <paramref name="index"/> that <paramref name="applies"/> accepts.</summary>
    public bool TryMatch(IReadOnlyList<string> words, int index, Func<T, bool> applies, out T value, out int length)
    {
        if (index < words.Count && _byFirstWord.TryGetValue(words[index], out var rows))
        {
            foreach (var (phrase, rowValue) in rows)
            {
                if (applies(rowValue) && StartsWith(words, index, phrase))
                {
                    value = rowValue;
                    length = phrase.Length;
                    return true;
                }
            }
        }

        value = default!;
        length = 0;
        return false;
    }

    private static bool StartsWith(IReadOnlyList<string> words, int index, string[] phrase)
    {
        if (index + phrase.Length > words.Count)
        {
            return false;
        }

        for (var k = 0; k < phrase.Length; k++)
        {
            if (!string.Equals(words[index + k], phrase[k], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
