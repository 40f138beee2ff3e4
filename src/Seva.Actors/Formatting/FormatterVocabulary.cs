namespace Seva.Actors.Formatting;

/// <summary>The words the formatting rules listen for. A rule whose words the engine's dictionary lacks
/// can never fire (the engine cannot emit a word it does not know), so the host checks them at start-up.</summary>
public static class FormatterVocabulary
{
    /// <summary>Every word some rule needs, sorted.</summary>
    public static IReadOnlyList<string> RuleWords { get; } = FormattingRules.Words.ToArray();

    /// <summary>The rule words the dictionary lacks, in the order given.</summary>
    public static IReadOnlyList<string> Missing(IEnumerable<string> ruleWords, Func<string, bool> inDictionary)
    {
        ArgumentNullException.ThrowIfNull(ruleWords);
        ArgumentNullException.ThrowIfNull(inDictionary);
        return ruleWords.Where(word => !inDictionary(word)).ToArray();
    }

    /// <summary>The words of a PocketSphinx dictionary: lines <c>word PH ONES</c>, alternate
    /// pronunciations as <c>word(2) PH ONES</c>.</summary>
    public static HashSet<string> ReadDictionaryWords(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            var end = line.IndexOfAny([' ', '\t']);
            var word = end < 0 ? line : line[..end];
            var alternate = word.IndexOf('(', StringComparison.Ordinal);
            if (alternate > 0)
            {
                word = word[..alternate];
            }

            if (word.Length > 0)
            {
                words.Add(word);
            }
        }

        return words;
    }
}
