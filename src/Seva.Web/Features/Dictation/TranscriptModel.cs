using System.Text;
using Seva.Actors.Dictation;

namespace Seva.Web.Features.Dictation;

/// <summary>The transcript as the page shows it: final segments in order, then the current partial.</summary>
/// <remarks>A partial only ever replaces the previous partial; a final replaces the partial of its own
/// segment and is appended once, after the separator it came with (a formatted final says whether a
/// space comes first; line breaks it holds are kept). "Scratch that" retracts earlier finals.</remarks>
public sealed class TranscriptModel
{
    private readonly List<(string SegmentId, string Separator, string Text)> _finals = [];

    public IReadOnlyList<string> Segments => [.. _finals.Select(f => f.Text)];

    public string? PartialSegmentId { get; private set; }

    public string Partial { get; private set; } = string.Empty;

    /// <summary>The final text only (what gets saved).</summary>
    public string FinalText
    {
        get
        {
            var builder = new StringBuilder();
            foreach (var (_, separator, text) in _finals)
            {
                if (builder.Length > 0 && !text.StartsWith('\n') && !IsClosingPunctuation(text[0]) && builder[^1] != '\n')
                {
                    builder.Append(separator);
                }

                builder.Append(text);
            }

            return builder.ToString();
        }
    }

    /// <summary>Finals and the partial, as a reader sees them.</summary>
    public string FullText => Partial.Length == 0 ? FinalText : Join([FinalText, Partial]);

    public void Apply(DictationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (_finals.Any(f => f.SegmentId == result.SegmentId))
        {
            return; // that segment is already final: a late partial or a repeat changes nothing
        }

        if (result.IsPartial)
        {
            PartialSegmentId = result.SegmentId;
            Partial = Normalise(result.Text);
            return;
        }

        if (PartialSegmentId == result.SegmentId)
        {
            PartialSegmentId = null;
            Partial = string.Empty;
        }

        var text = NormaliseSpaces(result.Text);
        if (text.Length > 0)
        {
            _finals.Add((result.SegmentId, result.Separator, text));
        }
    }

    /// <summary>Removes finals "scratch that" took back.</summary>
    public void Retract(IReadOnlyCollection<string> segmentIds)
    {
        ArgumentNullException.ThrowIfNull(segmentIds);
        _finals.RemoveAll(f => segmentIds.Contains(f.SegmentId));
    }

    public void Clear()
    {
        _finals.Clear();
        PartialSegmentId = null;
        Partial = string.Empty;
    }

    /// <summary>Joins pieces with one space, none before punctuation.</summary>
    public static string Join(IEnumerable<string> pieces)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        var builder = new StringBuilder();
        foreach (var raw in pieces)
        {
            var piece = Normalise(raw);
            if (piece.Length == 0)
            {
                continue;
            }

            if (builder.Length > 0 && !IsClosingPunctuation(piece[0]))
            {
                builder.Append(' ');
            }

            builder.Append(piece);
        }

        return builder.ToString();
    }

    private static string Normalise(string text) =>
        string.Join(' ', (text ?? string.Empty).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Runs of spaces become one; line breaks (new line, new paragraph) stay.</summary>
    private static string NormaliseSpaces(string text) =>
        string.Join('\n', (text ?? string.Empty).Split('\n').Select(line => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries))));

    private static bool IsClosingPunctuation(char c) => c is '.' or ',' or ';' or ':' or '!' or '?' or ')' or '%';
}
