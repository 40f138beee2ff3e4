namespace Seva.Actors.Formatting;

internal enum SpokenAction
{
    /// <summary>Write <see cref="SpokenRule.Text"/>: a punctuation mark or a line break.</summary>
    Write,

    /// <summary>Remove what was said last (see <see cref="TranscriptFormatter"/>).</summary>
    Scratch,

    /// <summary>Write the next recognised word as it is, with a capital.</summary>
    Cap,

    /// <summary>Write the next recognised word as it is, in capitals.</summary>
    AllCaps,
}

/// <summary>A spoken command. <see cref="LiteralAfter"/>: after one of these words the phrase is meant as
/// words ("the colon", "a period of", "knee cap"), compared ignoring case because the word before may
/// have been capitalised as a sentence start.</summary>
internal sealed record SpokenRule(SpokenAction Action, string Text = "", params string[] LiteralAfter);

/// <summary>Every phrase the formatter knows, one row each. Adding a unit, a punctuation word or a
/// command is one row here; <see cref="Words"/> lists every word a row needs, so the host can check them
/// against the engine's dictionary (<see cref="FormatterVocabulary"/>).</summary>
internal static class FormattingRules
{
    private static readonly string[] Determiners = ["the", "a", "this", "that", "each", "every", "his", "her", "their", "your", "my"];

    /// <summary>Dictation only. "paren" and "semicolon" are not in the en-US dictionary, so the engine
    /// never emits them: the rows use "parenthesis" and "semi-colon"/"semi colon", which it does.</summary>
    public static readonly PhraseTable<SpokenRule> Spoken = Table<SpokenRule>(
        ("period", new(SpokenAction.Write, ".", [.. Determiners, "menstrual", "postoperative", "refractory", "incubation", "waiting", "recovery", "time", "trial"])),
        ("full stop", new(SpokenAction.Write, ".", "a", "the")),
        ("comma", new(SpokenAction.Write, ",")),
        ("colon", new(SpokenAction.Write, ":", [.. Determiners, "sigmoid", "transverse", "ascending", "descending"])),
        ("semi-colon", new(SpokenAction.Write, ";")),
        ("semi colon", new(SpokenAction.Write, ";")),
        ("question mark", new(SpokenAction.Write, "?")),
        ("exclamation point", new(SpokenAction.Write, "!")),
        ("exclamation mark", new(SpokenAction.Write, "!")),
        ("open parenthesis", new(SpokenAction.Write, "(")),
        ("close parenthesis", new(SpokenAction.Write, ")")),
        ("new line", new(SpokenAction.Write, "\n", "a", "the")),
        ("new paragraph", new(SpokenAction.Write, "\n\n", "a", "the")),
        ("scratch that", new(SpokenAction.Scratch)),
        ("delete that", new(SpokenAction.Scratch)),
        ("cap", new(SpokenAction.Cap, "", "knee", "ice", "the", "a")),
        ("all caps", new(SpokenAction.AllCaps))
    );

    /// <summary>Written after a number, with a space: "5 mg".</summary>
    public static readonly PhraseTable<string> Units = Table<string>(
        ("milligram", "mg"), ("milligrams", "mg"),
        ("microgram", "mcg"), ("micrograms", "mcg"),
        ("gram", "g"), ("grams", "g"),
        ("kilogram", "kg"), ("kilograms", "kg"),
        ("milliliter", "mL"), ("milliliters", "mL"),
        ("liter", "L"), ("liters", "L"),
        ("centimeter", "cm"), ("centimeters", "cm"),
        ("millimeter", "mm"), ("millimeters", "mm"),
        ("millimeters of mercury", "mmHg"),
        ("milligrams per deciliter", "mg/dL"),
        ("milligrams per kilogram", "mg/kg"),
        ("liters per minute", "L/min"),
        ("beats per minute", "bpm")
    );

    /// <summary>Written onto the number: "50%", "98.6°F", "52-year-old". A row with a
    /// <see cref="DegreesMeaning"/> applies only when the user chose that meaning for "degrees".</summary>
    public static readonly PhraseTable<(string Suffix, DegreesMeaning? OnlyWhen)> Suffixes = Table<(string, DegreesMeaning?)>(
        ("percent", ("%", null)),
        ("degrees fahrenheit", ("°F", null)),
        ("degrees celsius", ("°C", null)),
        ("degrees centigrade", ("°C", null)),
        ("degrees", ("°F", DegreesMeaning.Fahrenheit)),
        ("degrees", ("°C", DegreesMeaning.Celsius)),
        ("year old", ("-year-old", null)),
        ("month old", ("-month-old", null)),
        ("week old", ("-week-old", null)),
        ("day old", ("-day-old", null))
    );

    /// <summary>Nouns that make even a small number digits ("2 tablets", "for 3 days"); the noun itself
    /// stays. Plurals only: "one day she fell" is prose.</summary>
    public static readonly PhraseTable<bool> CountedNouns = Flags(
        "tablets", "capsules", "puffs", "drops", "doses", "units", "times",
        "seconds", "minutes", "hours", "days", "weeks", "months", "years");

    /// <summary>Nouns that make even a small ordinal digits: "2nd degree", "1st trimester".</summary>
    public static readonly PhraseTable<bool> OrdinalNouns = Flags("degree", "trimester", "dose", "generation", "line");

    public static readonly PhraseTable<int> Months = Table<int>(
        ("january", 1), ("february", 2), ("march", 3), ("april", 4), ("may", 5), ("june", 6),
        ("july", 7), ("august", 8), ("september", 9), ("october", 10), ("november", 11), ("december", 12)
    );

    /// <summary>"am" alone is left out: "one am I right" should not become a time.</summary>
    public static readonly PhraseTable<string> Meridiems = Table<string>(
        ("a.m.", "AM"), ("a m", "AM"), ("p.m.", "PM"), ("p m", "PM"), ("pm", "PM")
    );

    /// <summary>Single words the rules look for outside the tables above.</summary>
    public const string Over = "over";
    public const string Times = "times";
    public const string The = "the";

    /// <summary>Every word a rule needs the engine to be able to recognise.</summary>
    public static IEnumerable<string> Words =>
        Spoken.Words
            .Concat(Spoken.Values.SelectMany(rule => rule.LiteralAfter))
            .Concat(Units.Words).Concat(Suffixes.Words).Concat(CountedNouns.Words).Concat(OrdinalNouns.Words)
            .Concat(Months.Words).Concat(Meridiems.Words)
            .Concat(NumberWords.Words)
            .Concat([Over, Times, The])
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);

    private static PhraseTable<bool> Flags(params string[] phrases) => new(phrases.Select(p => (p, true)));

    private static PhraseTable<T> Table<T>(params (string Phrase, T Value)[] rows) => new(rows);
}
