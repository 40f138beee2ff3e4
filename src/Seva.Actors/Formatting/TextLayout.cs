namespace Seva.Actors.Formatting;

/// <summary>The end of the text written so far: its last character, and whether the next word starts
/// a sentence.</summary>
internal readonly record struct TextEnd(char? Last, bool SentenceStart)
{
    public static TextEnd Document { get; } = new(null, true);
}

/// <summary>Spacing and sentence capitals, decided from the written text alone (not from which rule
/// wrote it), so that formatting a formatted text again writes it the same way, and a final continues
/// the document as a token continues its own final.</summary>
internal static class TextLayout
{
    /// <summary>Written without a space before them.</summary>
    private const string ClosingMarks = ".,:;?!)";

    private const string SentenceEnds = ".?!\n";

    /// <summary>Looked through when finding how the text ends: "(see above.)" ends a sentence.</summary>
    private const string Transparent = " ()";

    /// <summary>The end of the first <paramref name="count"/> finals of a document.</summary>
    public static TextEnd EndOf(IReadOnlyList<string> finals, int count)
    {
        // The last final with more than spaces and brackets decides; a long document is not read whole.
        var decisive = count;
        while (decisive > 0 && finals[decisive - 1].AsSpan().TrimEnd(Transparent).IsEmpty)
        {
            decisive--;
        }

        var end = TextEnd.Document;
        for (var k = Math.Max(0, decisive - 1); k < count; k++)
        {
            end = EndOf(finals[k], end);
        }

        return end;
    }

    /// <summary>The end of <paramref name="before"/> followed by <paramref name="text"/>.</summary>
    public static TextEnd EndOf(ReadOnlySpan<char> text, TextEnd before)
    {
        if (text.IsEmpty)
        {
            return before;
        }

        var decisive = text.TrimEnd(Transparent);
        var sentenceStart = decisive.IsEmpty ? before.SentenceStart : SentenceEnds.Contains(decisive[^1], StringComparison.Ordinal);
        return new TextEnd(text[^1], sentenceStart);
    }

    public static bool NeedsSpace(TextEnd before, string token) =>
        before.Last is { } last
        && last is not (' ' or '\n' or '(')
        && token.Length > 0
        && token[0] != '\n'
        && !ClosingMarks.Contains(token[0], StringComparison.Ordinal);

    /// <summary>A sentence's first word gets a capital; a token with a digit ("x2", "mg" never comes
    /// first) is written as the rule wrote it.</summary>
    public static string Capitalize(string token) =>
        token.Length > 0 && char.IsLower(token[0]) && !token.Any(char.IsDigit)
            ? char.ToUpperInvariant(token[0]) + token[1..]
            : token;

    public static bool EndsSentence(string text) => text.Length > 0 && EndOf(text, new TextEnd(null, false)).SentenceStart;
}
