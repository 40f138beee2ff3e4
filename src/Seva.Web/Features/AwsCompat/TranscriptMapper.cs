using Seva.Actors.Dictation;

namespace Seva.Web.Features.AwsCompat;

/// <summary>Writes Seva's results as Amazon Transcribe's: one result per partial or final, sharing the
/// segment's id as <c>ResultId</c> as AWS's partials and their final share one. A final's items are the tokens
/// its words became (so "one twenty" is one item "120" spanning both words, a spoken "period" a punctuation
/// item at the time it was said); a period Seva added to close a sentence is a punctuation item at the end.
/// Partials carry no items: the engine times words only once an utterance is final, and items without
/// times would be made up.</summary>
public static class TranscriptMapper
{
    public static TranscriptEvent Map(DictationResult result, TranscribeStreamRequest request)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(request);
        var medical = request.Operation == TranscribeOperation.Medical;
        var items = result.IsPartial ? [] : Items(result, stable: request.EnablePartialResultsStabilization && !medical ? true : null);
        var transcript = new TranscriptResult(
            result.SegmentId,
            Seconds(result.StartTime),
            Seconds(result.EndTime),
            result.IsPartial,
            [new TranscriptAlternative(result.Text, items)],
            LanguageCode: medical ? null : request.LanguageCode);
        return new TranscriptEvent(new Transcript([transcript]));
    }

    private static List<TranscriptItem> Items(DictationResult result, bool? stable)
    {
        var items = new List<TranscriptItem>();
        var words = result.Words ?? [];
        for (var i = 0; i < words.Count;)
        {
            var first = words[i];
            var last = i;
            // Words written as one token share its piece number: they are one item.
            while (last + 1 < words.Count && first.Piece is not null && words[last + 1].Piece == first.Piece)
            {
                last++;
            }

            var group = words.Skip(i).Take(last - i + 1).ToList();
            i = last + 1;
            var token = first.Token?.Trim();
            if (string.IsNullOrEmpty(token))
            {
                continue; // a command ("new paragraph", "scratch that") or a removed word: nothing written
            }

            var (start, end) = (Seconds(group[0].Start), Seconds(group[^1].End));
            items.Add(IsPunctuation(token)
                ? new TranscriptItem(start, end, TranscriptItemType.Punctuation, token, Stable: stable)
                : new TranscriptItem(start, end, TranscriptItemType.Pronunciation, token, Math.Round(group.Average(w => w.Confidence), 3), stable));
        }

        var text = result.Text.TrimEnd();
        if (text.Length > 0 && text[^1] is '.' or '?' or '!' && (items.Count == 0 || !items[^1].Content.EndsWith(text[^1])))
        {
            // The period that closes a sentence Seva wrote as one (nobody said "period").
            var end = items.Count > 0 ? items[^1].EndTime : Seconds(result.EndTime);
            items.Add(new TranscriptItem(end, end, TranscriptItemType.Punctuation, text[^1].ToString(), Stable: stable));
        }

        return items;
    }

    private static bool IsPunctuation(string token) => token.All(char.IsPunctuation);

    private static double Seconds(double value) => Math.Round(value, 3);
}
