using System.Text;

namespace Seva.Actors.Speech;

/// <summary>Turns engine hypotheses into the words a reader should see.</summary>
public static class HypothesisText
{
    /// <summary>Drops sentence markers, silence and fillers (<c>&lt;s&gt;</c>, <c>&lt;sil&gt;</c>,
    /// <c>[NOISE]</c>, <c>++GARBAGE++</c>) and alternate-pronunciation marks (<c>word(2)</c>).</summary>
    public static string Clean(string hypothesis)
    {
        ArgumentNullException.ThrowIfNull(hypothesis);
        var builder = new StringBuilder(hypothesis.Length);
        foreach (var token in hypothesis.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var word = CleanWord(token);
            if (word.Length == 0)
            {
                continue;
            }

            if (builder.Length > 0)
            {
                builder.Append(' ');
            }

            builder.Append(word);
        }

        return builder.ToString();
    }

    public static string CleanWord(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length == 0 || token[0] is '<' or '[' || token.StartsWith("++", StringComparison.Ordinal))
        {
            return string.Empty;
        }

        var paren = token.IndexOf('(', StringComparison.Ordinal);
        if (paren > 0 && token[^1] == ')')
        {
            token = token[..paren];
        }

        return token;
    }

    public static int CountWords(string text) =>
        string.IsNullOrWhiteSpace(text) ? 0 : text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
}
