using System.Text;

namespace Seva.Actors.Formatting;

/// <summary>
/// Writes one final's recognised words the way a note reads (<see cref="FormattingMode"/>). Pure: the
/// same words, context and options always give the same result.
/// <para>"scratch that" / "delete that" removes what was said last: the words said before it in the
/// same utterance (since the utterance began or since the previous "scratch that"), or, when nothing was
/// said before it, the previous final (<see cref="FormattedUtterance.FinalsToDelete"/>). A clinician who
/// says "sixty scratch that seventy" in one breath takes back the breath, not the note before it; said
/// after a pause, it takes back the last final, as dictation products do. Each "scratch that" removes
/// exactly one of these.</para>
/// <para>"cap" and "all caps" write the next recognised word as it is ("cap period" writes "Period").</para>
/// </summary>
public static class TranscriptFormatter
{
    /// <summary>Formats a final's raw text (words separated by spaces, as the engine's cleaned hypothesis
    /// reads). With formatting off the text is returned unchanged.</summary>
    public static FormattedUtterance Format(string rawText, FormattingContext context, FormattingOptions options)
    {
        ArgumentNullException.ThrowIfNull(rawText);
        ArgumentNullException.ThrowIfNull(options);
        var words = rawText.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return options.Mode == FormattingMode.Off ? Unformatted(rawText, words, context) : Format(words, context, options);
    }

    /// <summary>Formats a final's recognised words; <see cref="FormattedUtterance.Words"/> follows their order,
    /// so pass the engine's word list to line the mapping up with the words' times.</summary>
    public static FormattedUtterance Format(IReadOnlyList<string> words, FormattingContext context, FormattingOptions options)
    {
        ArgumentNullException.ThrowIfNull(words);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Mode == FormattingMode.Off)
        {
            return Unformatted(string.Join(' ', words), words, context);
        }

        var pieces = Read(words, options);
        var (kept, scratched, finalsToDelete) = ApplyScratches(pieces, context.PreviousFinals.Count);
        var before = TextLayout.EndOf(context.PreviousFinals, context.PreviousFinals.Count - finalsToDelete);
        var written = kept.Where(p => p.Kind is PieceKind.Word or PieceKind.Token).ToList();
        var tokenOf = written.Select((piece, k) => (piece.Start, k)).ToDictionary(p => p.Start, p => p.k);
        var texts = written.Select(p => p.Text).ToList();
        if (options.Mode == FormattingMode.Caption && texts.Count > 0 && !TextLayout.EndsSentence(string.Concat(texts)))
        {
            texts.Add(".");
        }

        var (text, tokens) = Lay(texts, before);
        var mapping = new WordMapping[words.Count];
        foreach (var piece in pieces)
        {
            int? tokenIndex = tokenOf.TryGetValue(piece.Start, out var t) ? t : null;
            var fate = tokenIndex is not null ? WordFate.Written : scratched.Contains(piece) ? WordFate.Scratched : WordFate.Command;
            for (var k = piece.Start; k < piece.Start + piece.Length; k++)
            {
                mapping[k] = new WordMapping(k, words[k], fate, tokenIndex);
            }
        }

        var separator = tokens.Count > 0 && TextLayout.NeedsSpace(before, tokens[0].Text) ? " " : string.Empty;
        return new FormattedUtterance(text, separator, tokens, mapping, finalsToDelete);
    }

    /// <summary>Reads the words left to right into pieces: spoken commands first (dictation only), then
    /// the number rules, else the word itself.</summary>
    private static List<Piece> Read(IReadOnlyList<string> words, FormattingOptions options)
    {
        var pieces = new List<Piece>();
        for (var i = 0; i < words.Count;)
        {
            var used = options.Mode == FormattingMode.Dictation ? TrySpoken(words, i, pieces) : 0;
            if (used == 0)
            {
                used = ClinicalRules.TryMatch(words, i, options, pieces);
            }

            if (used == 0)
            {
                pieces.Add(new Piece(PieceKind.Word, WordAsWritten(words[i]), i, 1));
                used = 1;
            }

            i += used;
        }

        return pieces;
    }

    private static int TrySpoken(IReadOnlyList<string> words, int index, List<Piece> pieces)
    {
        if (!FormattingRules.Spoken.TryMatch(words, index, out var rule, out var length)
            || (pieces.Count > 0 && pieces[^1].Kind == PieceKind.Word && rule.LiteralAfter.Contains(pieces[^1].Text, StringComparer.OrdinalIgnoreCase)))
        {
            return 0;
        }

        switch (rule.Action)
        {
            case SpokenAction.Write:
                pieces.Add(new Piece(PieceKind.Token, rule.Text, index, length));
                return length;
            case SpokenAction.Scratch:
                pieces.Add(new Piece(PieceKind.Scratch, string.Empty, index, length));
                return length;
            default:
                var next = index + length;
                if (next >= words.Count)
                {
                    return 0; // "cap" with nothing after it was the word.
                }

                var word = words[next];
                pieces.Add(new Piece(PieceKind.Command, string.Empty, index, length));
                pieces.Add(new Piece(PieceKind.Word, rule.Action == SpokenAction.Cap ? TextLayout.Capitalize(word) : word.ToUpperInvariant(), next, 1));
                return length + 1;
        }
    }

    /// <summary>The pronoun "I" and its contractions ("i'm", "i'll") are always capitals.</summary>
    private static string WordAsWritten(string word) =>
        word == "i" || word.StartsWith("i'", StringComparison.Ordinal) ? "I" + word[1..] : word;

    private static (List<Piece> Kept, HashSet<Piece> Scratched, int FinalsToDelete) ApplyScratches(List<Piece> pieces, int previousFinals)
    {
        var segment = new List<Piece>();
        var scratched = new HashSet<Piece>();
        var finalsToDelete = 0;
        foreach (var piece in pieces)
        {
            if (piece.Kind != PieceKind.Scratch)
            {
                segment.Add(piece);
            }
            else if (segment.Count > 0)
            {
                scratched.UnionWith(segment);
                segment.Clear();
            }
            else if (finalsToDelete < previousFinals)
            {
                finalsToDelete++;
            }
        }

        return (segment, scratched, finalsToDelete);
    }

    private static (string Text, List<FormattedToken> Tokens) Lay(List<string> texts, TextEnd before)
    {
        var builder = new StringBuilder();
        var tokens = new List<FormattedToken>(texts.Count);
        var end = before;
        foreach (var raw in texts)
        {
            var text = end.SentenceStart ? TextLayout.Capitalize(raw) : raw;
            var space = builder.Length > 0 && TextLayout.NeedsSpace(end, text) ? " " : string.Empty;
            builder.Append(space);
            tokens.Add(new FormattedToken(text, builder.Length));
            builder.Append(text);
            end = TextLayout.EndOf(space + text, end);
        }

        return (builder.ToString(), tokens);
    }

    private static FormattedUtterance Unformatted(string text, IReadOnlyList<string> words, FormattingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var tokens = new List<FormattedToken>(words.Count);
        var mapping = new WordMapping[words.Count];
        var offset = 0;
        for (var k = 0; k < words.Count; k++)
        {
            offset = text.IndexOf(words[k], offset, StringComparison.Ordinal);
            tokens.Add(new FormattedToken(words[k], offset));
            offset += words[k].Length;
            mapping[k] = new WordMapping(k, words[k], WordFate.Written, k);
        }

        var before = TextLayout.EndOf(context.PreviousFinals, context.PreviousFinals.Count);
        var separator = tokens.Count > 0 && TextLayout.NeedsSpace(before, tokens[0].Text) ? " " : string.Empty;
        return new FormattedUtterance(text, separator, tokens, mapping, 0);
    }
}
