using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Seva.Actors.Formatting;

namespace Seva.Actors.Tests.Formatting;

/// <summary>
/// Invariants of the formatter over generated dictations: utterances made of phrases, each a plain word
/// (no rule knows it) or a phrase some rule acts on, in any order.
/// </summary>
public sealed class FormatterProperties
{
    /// <summary>Words no rule listens for (checked by <see cref="PlainWords_AreNotRuleWords"/>), so each
    /// must come out as itself.</summary>
    private static readonly string[] PlainWords =
        ["patient", "reports", "chest", "pain", "denies", "fever", "stable", "nausea", "aspirin", "given", "mild", "swelling", "left", "is", "was", "she", "no", "smith", "copd"];

    /// <summary>Phrases that rules act on, and words rules look at without always acting ("one" alone,
    /// "point", "over", "the" before "colon", "may"). "scratch that" is left out: it has its own properties.</summary>
    private static readonly string[] RulePhrases =
    [
        "period", "comma", "colon", "question mark", "exclamation point", "full stop", "semi colon", "semi-colon",
        "new line", "new paragraph", "open parenthesis", "close parenthesis",
        "one forty over ninety", "ninety eight point six", "ninety eight point six degrees", "fifty two year old",
        "five milligrams", "ten milliliters", "point five milligrams", "fifty percent", "times two", "two tablets",
        "one hundred twenty", "two thousand", "nineteen ninety", "twenty oh five", "one oh five",
        "march third twenty twenty six", "may second", "ten thirty a m", "one forty p m",
        "third", "second degree", "twenty first", "one", "two", "seven", "oh",
        "the colon", "a period", "a new line", "knee cap", "point", "over", "times", "a", "and", "may", "i", "i'm",
        "degrees", "year old", "percent", "milligrams",
    ];

    /// <summary>"cap" with nothing after it is the word; before "scratch that" it would capitalise
    /// "scratch" (commands take the next word as written), so the scratch model leaves these out.</summary>
    private static readonly string[] BareCommands = ["cap", "all caps"];

    private static readonly string[][] Contexts = [[], ["Blood pressure is"], ["Stable."], ["Plan:\n\n"], ["Pain ("], ["Seen.", "("]];

    private static readonly FormattingOptions[] Options =
    [
        FormattingOptions.Dictation,
        FormattingOptions.Dictation with { Degrees = DegreesMeaning.Fahrenheit },
        FormattingOptions.Caption,
    ];

    /// <summary>A phrase's words, and which of them are plain words that must survive.</summary>
    private sealed record Phrase(string[] Words, bool[] Plain);

    private static Gen<Phrase> Phrases(bool withScratch, bool withBareCommands)
    {
        var plain = Gen.Elements(PlainWords).Select(w => new Phrase([w], [true]));
        var rule = Gen.Elements(withBareCommands ? [.. RulePhrases, .. BareCommands] : RulePhrases).Select(p => p.Split(' ')).Select(w => new Phrase(w, new bool[w.Length]));
        // "cap"/"all caps" take the next word, so give them a plain one.
        var capped = Gen.Elements("cap", "all caps").Zip(Gen.Elements(PlainWords))
            .Select(p => new Phrase([.. p.Item1.Split(' '), p.Item2], [.. p.Item1.Split(' ').Select(_ => false), true]));
        var scratch = Gen.Elements("scratch that", "delete that").Select(p => new Phrase(p.Split(' '), [false, false]));
        return withScratch
            ? Gen.Frequency((4, plain), (5, rule), (1, capped), (1, scratch))
            : Gen.Frequency((4, plain), (5, rule), (1, capped));
    }

    private static Gen<Phrase[]> Utterance(bool withScratch, int maxPhrases = 12, bool withBareCommands = true) =>
        Gen.Choose(0, maxPhrases).SelectMany(n => Gen.ArrayOf(Phrases(withScratch, withBareCommands), n));

    private static string[] WordsOf(IEnumerable<Phrase> phrases) => phrases.SelectMany(p => p.Words).ToArray();

    [Fact]
    public void PlainWords_AreNotRuleWords() =>
        Assert.Empty(PlainWords.Intersect(FormatterVocabulary.RuleWords));

    /// <summary>Idempotent: the tokens of a formatted final, fed back in as words with the same document
    /// before them (after any finals it deleted), are written as the same text.</summary>
    [Property(MaxTest = 500)]
    public Property Format_OfItsOwnTokens_ChangesNothing() => Prop.ForAll(
        Utterance(withScratch: true).ToArbitrary(), Gen.Elements(Contexts).ToArbitrary(), Gen.Elements(Options).ToArbitrary(),
        (phrases, previous, options) =>
        {
            var first = TranscriptFormatter.Format(WordsOf(phrases), new FormattingContext(previous), options);
            var after = new FormattingContext(previous[..^first.FinalsToDelete]);
            var again = TranscriptFormatter.Format(first.Tokens.Select(t => t.Text).ToArray(), after, options);
            return (again.Text == first.Text && again.Separator == first.Separator && again.FinalsToDelete == 0)
                .Label($"'{Show(first.Text)}' became '{Show(again.Text)}' (separator '{first.Separator}' → '{again.Separator}')");
        });

    /// <summary>Every plain word comes out as itself (a capital aside), in its own token, and every word is
    /// accounted for in order.</summary>
    [Property(MaxTest = 500)]
    public Property Format_NeverLosesANonCommandWord() => Prop.ForAll(
        Utterance(withScratch: false).ToArbitrary(), Gen.Elements(Contexts).ToArbitrary(), Gen.Elements(Options).ToArbitrary(),
        (phrases, previous, options) =>
        {
            var words = WordsOf(phrases);
            var plain = phrases.SelectMany(p => p.Plain).ToArray();
            var result = TranscriptFormatter.Format(words, new FormattingContext(previous), options);
            var accounted = result.Words.Count == words.Length && result.Words.Select(w => w.RawIndex).SequenceEqual(Enumerable.Range(0, words.Length));
            var lost = Enumerable.Range(0, words.Length)
                .Where(k => plain[k])
                .Where(k => result.Words[k] is not { Fate: WordFate.Written, TokenIndex: { } t }
                    || !string.Equals(result.Tokens[t].Text, words[k], StringComparison.OrdinalIgnoreCase))
                .Select(k => words[k])
                .ToArray();
            var tokensInText = result.Tokens.All(t => string.CompareOrdinal(result.Text, t.Start, t.Text, 0, t.Text.Length) == 0);
            return (accounted && lost.Length == 0 && tokensInText)
                .Label($"'{string.Join(' ', words)}' → '{Show(result.Text)}': lost [{string.Join(", ", lost)}], accounted {accounted}, tokens in text {tokensInText}");
        });

    /// <summary>"scratch that" said alone removes exactly the last final and nothing else.</summary>
    [Property(MaxTest = 300)]
    public Property ScratchThat_RemovesExactlyOneFinal() => Prop.ForAll(
        Gen.Choose(0, 6).SelectMany(n => Gen.ArrayOf(Utterance(withScratch: false, maxPhrases: 5), n)).ToArbitrary(),
        Gen.Elements("scratch that", "delete that").ToArbitrary(),
        (utterances, command) =>
        {
            var document = new TranscriptDocument(FormattingOptions.Dictation);
            foreach (var utterance in utterances)
            {
                document.Add(WordsOf(utterance));
            }

            var before = document.Finals;
            var result = document.Add(command);
            var expected = before.Take(Math.Max(0, before.Count - 1));
            return (document.Finals.SequenceEqual(expected) && result.FinalsToDelete == Math.Min(1, before.Count) && result.Text.Length == 0)
                .Label($"{before.Count} finals became {document.Finals.Count}");
        });

    /// <summary>Against a model: what is said is a stack of pieces (each final, and within an utterance each
    /// run of words before a "scratch that"), and each "scratch that" pops exactly one. After any sequence of
    /// utterances the document reads as if only the surviving pieces had been said, each as its own final.</summary>
    [Property(MaxTest = 300)]
    public Property ScratchThat_LeavesTheDocumentAsIfTheScratchedWordsWereNeverSaid() => Prop.ForAll(
        Gen.Choose(1, 8).SelectMany(n => Gen.ArrayOf(Gen.Choose(1, 3).SelectMany(s => Gen.ArrayOf(Utterance(withScratch: false, maxPhrases: 4, withBareCommands: false), s)), n)).ToArbitrary(),
        utterances =>
        {
            var document = new TranscriptDocument(FormattingOptions.Dictation);
            var stack = new List<string[]>();
            foreach (var segments in utterances)
            {
                var words = segments.Select(WordsOf).Aggregate((a, b) => [.. a, "scratch", "that", .. b]);
                document.Add(words);
                for (var s = 0; s < segments.Length; s++)
                {
                    if (segments[s].Length > 0)
                    {
                        stack.Add(WordsOf(segments[s]));
                    }

                    if (s < segments.Length - 1 && stack.Count > 0)
                    {
                        stack.RemoveAt(stack.Count - 1);
                    }
                }
            }

            var replay = new TranscriptDocument(FormattingOptions.Dictation);
            foreach (var piece in stack)
            {
                replay.Add(piece);
            }

            return (document.Text == replay.Text && document.Finals.Count == stack.Count)
                .Label($"document '{Show(document.Text)}' ({document.Finals.Count} finals), model '{Show(replay.Text)}' ({stack.Count})");
        });

    private static string Show(string text) => text.Replace("\n", "\\n", StringComparison.Ordinal);
}
