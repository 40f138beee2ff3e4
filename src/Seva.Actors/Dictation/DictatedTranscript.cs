using System.Text.Json;
using System.Text.Json.Serialization;
using Seva.Actors.Formatting;
using Seva.Actors.Speech;

namespace Seva.Actors.Dictation;

/// <summary>A session's transcript as it is written: its finals, formatted (spoken punctuation and
/// commands applied, numbers as notes write them) unless the clinician turned formatting off, each with
/// the recognised words and their times. Not thread-safe: the session's turns add finals in order.</summary>
/// <remarks>Finals with no spoken punctuation get a capital and a closing period, until the clinician
/// first dictates punctuation: from then on only what is said is written, so a sentence split over a
/// pause stays one sentence. A terminal mark said right after such a closed final is not written twice.</remarks>
public sealed class DictatedTranscript(FormattingOptions options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private readonly List<DictatedFinal> _finals = [];
    private bool _dictatesPunctuation;
    private int _pieces;
    private int _restored;

    public FormattingOptions Options => options;

    /// <summary>The transcript a session had written on the host it ran on before, as its record kept it
    /// (text and words), for the host it goes on on after a move.</summary>
    /// <remarks>The record keeps the text and the words, not how they were split into finals, so what was
    /// written before the move becomes one final that later commands do not reach into ("scratch that" right
    /// after a move removes nothing): taking back words the clinician has already seen on another host's
    /// page is not worth guessing the split. Whether the clinician dictates punctuation is read back from
    /// the words (a word written as a punctuation mark other than itself was spoken punctuation).</remarks>
    public static DictatedTranscript Restore(FormattingOptions options, string text, IReadOnlyList<TimedWord> words)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(words);
        var transcript = new DictatedTranscript(options);
        if (text.Length == 0 && words.Count == 0)
        {
            return transcript;
        }

        transcript._dictatesPunctuation = words.Any(w => w.Token is { } token && IsPunctuation(token) && !string.Equals(token, w.Word, StringComparison.OrdinalIgnoreCase));
        transcript._pieces = words.Count == 0 ? 0 : words.Max(w => w.Piece ?? -1) + 1;
        transcript._restored = 1;
        var closed = options.Mode == FormattingMode.Dictation && !transcript._dictatesPunctuation && text.EndsWith('.');
        transcript._finals.Add(new DictatedFinal("restored", string.Empty, text, string.Join(' ', words.Select(w => w.Word)), words, closed));
        return transcript;
    }

    public string Text => string.Concat(_finals.Select(f => f.Separator + f.Text));

    public int WordCount => _finals.Sum(f => CountWords(f.Text));

    public IReadOnlyList<DictatedFinal> Finals => _finals;

    /// <summary>Adds an engine final; returns the final as written (null when it writes nothing, e.g. a
    /// lone "scratch that") and the segment ids of the earlier finals it removed.</summary>
    public (DictatedFinal? Final, IReadOnlyList<string> Removed) Add(RecognitionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var words = result.Words.Count > 0
            ? result.Words
            : [.. result.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => new RecognizedWord(w, result.StartTime, result.EndTime, result.Confidence))];
        var formatted = TranscriptFormatter.Format([.. words.Select(w => w.Word)], new FormattingContext([.. _finals.Select(f => f.Text)]), options);

        var deleted = Math.Min(formatted.FinalsToDelete, _finals.Count - _restored);
        var removed = _finals.Skip(_finals.Count - deleted).Select(f => f.SegmentId).ToList();
        _finals.RemoveRange(_finals.Count - deleted, deleted);

        var tokens = formatted.Words.Select(m => m.Fate == WordFate.Written && m.TokenIndex is { } t ? formatted.Tokens[t].Text : null).ToArray();
        var text = formatted.Text;
        var separator = formatted.Separator;
        var closed = false;
        if (options.Mode == FormattingMode.Dictation)
        {
            var spoken = formatted.Words.Any(m => tokens[m.RawIndex] is { } token && IsPunctuation(token) && !string.Equals(token, m.Raw, StringComparison.OrdinalIgnoreCase));
            if (spoken && !_dictatesPunctuation)
            {
                _dictatesPunctuation = true;
                if (_finals.Count > 0 && _finals[^1].Closed && text.Length > 0 && text[0] is '.' or '?' or '!')
                {
                    // "… ninety" [pause] "period": the pause already closed the sentence.
                    var first = Array.FindIndex(tokens, t => t is not null);
                    tokens[first] = null;
                    text = text[1..].TrimStart(' ');
                    separator = text.StartsWith('\n') ? string.Empty : separator;
                }
            }
            else if (!_dictatesPunctuation && text.Length > 0 && text[^1] is not ('.' or '?' or '!' or '\n'))
            {
                text += ".";
                closed = true;
            }
        }

        if (text.Length == 0)
        {
            return (null, removed);
        }

        // Words written as one token share its number, unique in the transcript, so a view can tell
        // "new paragraph new paragraph" (two breaks) from one break said in two words.
        var firstPiece = _pieces;
        _pieces += formatted.Tokens.Count;
        var final = new DictatedFinal(
            result.SegmentId,
            separator,
            text,
            string.Join(' ', words.Select(w => w.Word)),
            [.. words.Select((w, i) => new TimedWord(w.Word, Math.Round(w.StartTime, 3), Math.Round(w.EndTime, 3), Math.Round(w.Confidence, 3), tokens[i], tokens[i] is null ? null : firstPiece + formatted.Words[i].TokenIndex))],
            closed);
        _finals.Add(final);
        return (final, removed);
    }

    /// <summary>Every recognised word still in the transcript, with its times and the token it became, as
    /// the record keeps them (JSON).</summary>
    public string WordsJson() => JsonSerializer.Serialize(_finals.SelectMany(f => f.Words), Json);

    public static IReadOnlyList<TimedWord> ParseWords(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<TimedWord>>(json, Json) ?? [];

    private static bool IsPunctuation(string token) =>
        token.Length > 0 && token.All(c => char.IsPunctuation(c) || c == '\n');

    private static int CountWords(string text) =>
        text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Count(t => t.Any(char.IsLetterOrDigit));
}

/// <summary>A final as the transcript holds it. <paramref name="Closed"/>: the period at its end was added,
/// not said.</summary>
public sealed record DictatedFinal(string SegmentId, string Separator, string Text, string RawText, IReadOnlyList<TimedWord> Words, bool Closed);

/// <summary>A recognised word with its times (seconds from the start of the recording), the engine's
/// confidence, and the formatted token it became (null: a command, or removed by "scratch that");
/// words that became one token share its <paramref name="Piece"/> number.</summary>
public sealed record TimedWord(string Word, double Start, double End, double Confidence, string? Token, int? Piece = null);
