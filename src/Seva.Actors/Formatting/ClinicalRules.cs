using System.Globalization;

namespace Seva.Actors.Formatting;

internal enum PieceKind
{
    /// <summary>A recognised word written as itself.</summary>
    Word,

    /// <summary>Something the rules wrote: a number, a unit, a date, a punctuation mark, a line break.</summary>
    Token,

    /// <summary>A command that writes nothing.</summary>
    Command,

    Scratch,
}

/// <summary>What the words <see cref="Start"/>..<see cref="Start"/>+<see cref="Length"/> became.</summary>
internal readonly record struct Piece(PieceKind Kind, string Text, int Start, int Length);

/// <summary>Numbers in the forms clinical notes use. Each rule reads at one position and either writes
/// pieces and says how many words it used, or uses none. Their order is the precedence: a time or a date
/// before a bare number, an ordinal before a cardinal ("twenty first" is 21st, not "20 first").</summary>
internal static class ClinicalRules
{
    private static readonly Func<IReadOnlyList<string>, int, FormattingOptions, List<Piece>, int>[] Rules =
        [TryTime, TryDate, TryTimesCount, TryOrdinal, TryQuantity];

    public static int TryMatch(IReadOnlyList<string> words, int index, FormattingOptions options, List<Piece> pieces)
    {
        foreach (var rule in Rules)
        {
            var used = rule(words, index, options, pieces);
            if (used > 0)
            {
                return used;
            }
        }

        return 0;
    }

    /// <summary>"ten thirty a m" → 10:30 AM, "one oh five p m" → 1:05 PM. Only with a.m./p.m.: without
    /// it "ten thirty" may be anything.</summary>
    private static int TryTime(IReadOnlyList<string> words, int index, FormattingOptions options, List<Piece> pieces)
    {
        if (!NumberWords.TryCardinal(words, index, out var hour) || hour.Length != 1 || hour.Value is < 1 or > 12)
        {
            return 0;
        }

        var pos = index + 1;
        var minutes = -1L;
        if (NumberWords.At(words, pos) == NumberWords.Oh && NumberWords.TryCardinal(words, pos + 1, out var digit) && digit is { Shape: NumberShape.Digit, Length: 1 })
        {
            minutes = digit.Value;
            pos += 2;
        }
        else if (NumberWords.TryCardinal(words, pos, out var m) && m.Shape is NumberShape.Teen or NumberShape.Tens or NumberShape.TensDigit && m.Value < 60)
        {
            minutes = m.Value;
            pos += m.Length;
        }

        if (!FormattingRules.Meridiems.TryMatch(words, pos, out var meridiem, out var length))
        {
            return 0;
        }

        var clock = minutes < 0
            ? string.Create(CultureInfo.InvariantCulture, $"{hour.Value} {meridiem}")
            : string.Create(CultureInfo.InvariantCulture, $"{hour.Value}:{minutes:00} {meridiem}");
        return Write(pieces, clock, index, pos + length);
    }

    /// <summary>"march third twenty twenty six" → March 3, 2026; also "march the third", "march twenty",
    /// "march twenty twenty six" (March 2026). "may" needs an ordinal ("may second"): "may two" is prose.</summary>
    private static int TryDate(IReadOnlyList<string> words, int index, FormattingOptions options, List<Piece> pieces)
    {
        if (!FormattingRules.Months.TryMatch(words, index, out var month, out var pos))
        {
            return 0;
        }

        pos += index;
        if (NumberWords.At(words, pos) == FormattingRules.The && NumberWords.TryOrdinal(words, pos + 1, out _))
        {
            pos++;
        }

        long day = 0;
        long year = 0;
        if (NumberWords.TryOrdinal(words, pos, out var ordinal) && ordinal.Value <= 31)
        {
            day = ordinal.Value;
            pos += ordinal.Length;
        }
        else if (TryYear(words, pos, out var onlyYear))
        {
            year = onlyYear.Whole;
            pos += onlyYear.Length;
        }
        else if (month != 5 && NumberWords.TryCardinal(words, pos, out var cardinal) && cardinal.Shape != NumberShape.Large && cardinal.Value is >= 1 and <= 31)
        {
            day = cardinal.Value;
            pos += cardinal.Length;
        }

        if (day > 0 && TryYear(words, pos, out var dayYear))
        {
            year = dayYear.Whole;
            pos += dayYear.Length;
        }

        if (day == 0 && year == 0)
        {
            return 0;
        }

        var name = CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(month);
        var date = (day, year) switch
        {
            ( > 0, > 0) => string.Create(CultureInfo.InvariantCulture, $"{name} {day}, {year}"),
            ( > 0, _) => string.Create(CultureInfo.InvariantCulture, $"{name} {day}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{name} {year}"),
        };
        return Write(pieces, date, index, pos);
    }

    /// <summary>"times two" → x2 ("x2 weeks"); "three times a day" stays prose.</summary>
    private static int TryTimesCount(IReadOnlyList<string> words, int index, FormattingOptions options, List<Piece> pieces) =>
        NumberWords.At(words, index) == FormattingRules.Times && NumberWords.TryQuantity(words, index + 1, out var count) && !count.StartsWithPoint
            ? Write(pieces, "x" + count.Text, index, index + 1 + count.Length)
            : 0;

    /// <summary>Ordinals from tenth up are digits ("21st"); first to ninth stay words ("the second
    /// opinion", "a third of") unless a noun that is counted this way follows ("2nd degree").</summary>
    private static int TryOrdinal(IReadOnlyList<string> words, int index, FormattingOptions options, List<Piece> pieces)
    {
        if (!NumberWords.TryOrdinal(words, index, out var ordinal))
        {
            return 0;
        }

        var end = index + ordinal.Length;
        return ordinal.Value >= 10 || FormattingRules.OrdinalNouns.Contains(words, end)
            ? Write(pieces, NumberWords.OrdinalText(ordinal.Value), index, end)
            : 0;
    }

    /// <summary>A number and what follows it: "140/90" (with a unit after it if one is said), a suffix
    /// ("50%", "52-year-old", "98.6°F"), a unit ("5 mg"), a counted noun ("2 tablets"). A number under ten
    /// said as one word with none of these after it stays a word: "one of the patients".</summary>
    private static int TryQuantity(IReadOnlyList<string> words, int index, FormattingOptions options, List<Piece> pieces)
    {
        if (!NumberWords.TryQuantity(words, index, out var number))
        {
            return 0;
        }

        var pos = index + number.Length;
        if (!number.StartsWithPoint
            && NumberWords.At(words, pos) == FormattingRules.Over
            && NumberWords.TryQuantity(words, pos + 1, out var below)
            && !below.StartsWithPoint)
        {
            pos += 1 + below.Length;
            Write(pieces, number.Text + "/" + below.Text, index, pos);
            return pos - index + TryUnit(words, pos, pieces);
        }

        if (FormattingRules.Suffixes.TryMatch(words, pos, s => s.OnlyWhen is null || s.OnlyWhen == options.Degrees, out var suffix, out var length))
        {
            return Write(pieces, number.Text + suffix.Suffix, index, pos + length);
        }

        if (FormattingRules.Units.Contains(words, pos))
        {
            Write(pieces, number.Text, index, pos);
            return number.Length + TryUnit(words, pos, pieces);
        }

        return FormattingRules.CountedNouns.Contains(words, pos) || !(number.StartsWithPoint || number.IsSmallWord)
            ? Write(pieces, number.Text, index, pos)
            : 0;
    }

    private static int TryUnit(IReadOnlyList<string> words, int index, List<Piece> pieces) =>
        FormattingRules.Units.TryMatch(words, index, out var unit, out var length) ? Write(pieces, unit, index, index + length) : 0;

    private static bool TryYear(IReadOnlyList<string> words, int index, out Quantity year) =>
        NumberWords.TryQuantity(words, index, out year) && !year.IsDecimal && year.Whole is >= 1000 and <= 2999;

    private static int Write(List<Piece> pieces, string text, int start, int end)
    {
        pieces.Add(new Piece(PieceKind.Token, text, start, end - start));
        return end - start;
    }
}
