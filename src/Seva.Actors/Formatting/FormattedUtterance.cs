namespace Seva.Actors.Formatting;

/// <summary>How a final's recognised words are written.</summary>
public enum FormattingMode
{
    /// <summary>The recognised words exactly as the engine gave them (the per-user "formatting off").</summary>
    Off,

    /// <summary>Clinical dictation: spoken punctuation, layout and commands, numbers as notes write them.
    /// Nothing is added that was not said: a sentence split over a pause must read as one sentence.</summary>
    Dictation,

    /// <summary>Broadcast captions: numbers formatted, a capital at the start and a period at the end.
    /// Spoken punctuation words stay words: a lecturer saying "the trial period" means the word.</summary>
    Caption,
}

/// <summary>What a bare "degrees" after a number means; "degrees fahrenheit" and "degrees celsius" are
/// always temperatures. Angles ("flexion to ninety degrees") are why the default keeps the word.</summary>
public enum DegreesMeaning
{
    Words,
    Fahrenheit,
    Celsius,
}

public sealed record FormattingOptions(FormattingMode Mode = FormattingMode.Dictation, DegreesMeaning Degrees = DegreesMeaning.Words)
{
    public static FormattingOptions Dictation { get; } = new();

    public static FormattingOptions Caption { get; } = new(FormattingMode.Caption);

    public static FormattingOptions Off { get; } = new(FormattingMode.Off);
}

/// <summary>The document a final is added to: the formatted texts of the finals already in it, oldest
/// first (finals with empty text are not part of it). The end of the document decides whether the next
/// word starts a sentence and whether a space comes first; "scratch that" removes finals from its end.</summary>
public sealed record FormattingContext(IReadOnlyList<string> PreviousFinals)
{
    public static FormattingContext Empty { get; } = new(Array.Empty<string>());
}

/// <summary>What became of one recognised word.</summary>
public enum WordFate
{
    /// <summary>It is written as (part of) the token <see cref="WordMapping.TokenIndex"/>: itself, a number,
    /// a unit, a punctuation mark or a line break.</summary>
    Written,

    /// <summary>It was part of a command that writes nothing ("scratch that", "cap", "all caps").</summary>
    Command,

    /// <summary>It was said in this utterance before a "scratch that", which removed it.</summary>
    Scratched,
}

/// <summary>One piece of the formatted text; <see cref="Start"/> is its offset in
/// <see cref="FormattedUtterance.Text"/>.</summary>
public sealed record FormattedToken(string Text, int Start);

public sealed record WordMapping(int RawIndex, string Raw, WordFate Fate, int? TokenIndex);

/// <summary>A final as it is written. The document grows by <see cref="Separator"/> + <see cref="Text"/>,
/// after the last <see cref="FinalsToDelete"/> finals are removed from it ("scratch that"). An empty
/// <see cref="Text"/> adds no final. <see cref="Words"/> has one entry per recognised word, in order, so a
/// word with its times can be shown with the token it became.</summary>
public sealed record FormattedUtterance(
    string Text,
    string Separator,
    IReadOnlyList<FormattedToken> Tokens,
    IReadOnlyList<WordMapping> Words,
    int FinalsToDelete)
{
    public bool DeletesPrevious => FinalsToDelete > 0;
}
