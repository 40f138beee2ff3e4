using Seva.Actors.Dictation;

namespace Seva.Web.Features.History;

/// <summary>The saved transcript as clickable pieces: each formatted token with the time span of the
/// recognised words it came from, so the player can seek to it and the word being spoken can be marked.</summary>
public static class WordView
{
    /// <summary>Below this confidence a word is marked for the clinician to check.</summary>
    public const double LowConfidence = 0.5;

    /// <summary>Groups the words into the tokens they became (commands and scratched words write nothing).
    /// Words written as one token ("one forty over ninety" as 140/90) make one piece spanning their times.</summary>
    public static IReadOnlyList<WordPiece> Pieces(IReadOnlyList<TimedWord> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var pieces = new List<WordPiece>();
        foreach (var word in words)
        {
            if (word.Token is null)
            {
                continue;
            }

            // Words of one token share its piece number; records without numbers fall back to joining
            // neighbours that became the same token (never a word that is itself, never line breaks).
            var joinsLast = pieces.Count > 0 && (word.Piece is { } piece
                ? pieces[^1].Piece == piece
                : pieces[^1].Text == word.Token && !IsItself(word) && !IsLineBreak(word.Token));
            if (joinsLast)
            {
                var last = pieces[^1];
                pieces[^1] = last with { End = word.End, Confidence = Math.Min(last.Confidence, word.Confidence) };
            }
            else
            {
                pieces.Add(new WordPiece(word.Token, word.Start, word.End, word.Confidence, word.Piece));
            }
        }

        return pieces;
    }

    /// <summary>Whether a space goes before <paramref name="piece"/> after <paramref name="previous"/>.</summary>
    public static bool SpaceBefore(WordPiece? previous, WordPiece piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        return previous is not null && !IsLineBreak(previous.Text) && !previous.Text.EndsWith('(')
            && !IsLineBreak(piece.Text) && piece.Text[0] is not ('.' or ',' or ';' or ':' or '?' or '!' or ')' or '%');
    }

    public static bool IsLineBreak(string text) => text.Length > 0 && text.All(c => c == '\n');

    /// <summary>A token that is the word itself (whatever its capitals): never merged with a neighbour.</summary>
    private static bool IsItself(TimedWord word) => string.Equals(word.Token, word.Word, StringComparison.OrdinalIgnoreCase);
}

public sealed record WordPiece(string Text, double Start, double End, double Confidence, int? Piece = null)
{
    public bool IsLowConfidence => Confidence < WordView.LowConfidence;
}
