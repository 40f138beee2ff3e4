namespace Seva.Actors.Formatting;

/// <summary>A dictated document as a list of formatted finals: each new final is formatted against the
/// finals before it, and "scratch that" removes finals from its end. Not thread-safe: one session
/// adds its finals in order.</summary>
public sealed class TranscriptDocument(FormattingOptions options)
{
    private readonly List<(string Separator, string Text)> _finals = [];

    /// <summary>The formatted texts of the finals, oldest first.</summary>
    public IReadOnlyList<string> Finals => _finals.Select(f => f.Text).ToArray();

    public string Text => string.Concat(_finals.Select(f => f.Separator + f.Text));

    public FormattedUtterance Add(IReadOnlyList<string> words)
    {
        var result = TranscriptFormatter.Format(words, new FormattingContext(Finals), options);
        _finals.RemoveRange(_finals.Count - result.FinalsToDelete, result.FinalsToDelete);
        if (result.Text.Length > 0)
        {
            _finals.Add((result.Separator, result.Text));
        }

        return result;
    }

    public FormattedUtterance Add(string rawText)
    {
        ArgumentNullException.ThrowIfNull(rawText);
        return Add(rawText.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}
