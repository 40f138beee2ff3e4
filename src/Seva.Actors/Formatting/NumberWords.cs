using System.Globalization;

namespace Seva.Actors.Formatting;

/// <summary>How a cardinal was said; the colloquial readings ("one forty", "twenty twenty six") depend on it.</summary>
internal enum NumberShape
{
    Digit,
    Teen,
    Tens,
    TensDigit,
    Large,
}

internal readonly record struct Cardinal(long Value, int Length, NumberShape Shape);

/// <summary>A number as a note writes it. <see cref="IsSmallWord"/>: one word under ten, which prose
/// keeps as a word ("one of the patients") unless a unit, a percent or an age follows.
/// <see cref="StartsWithPoint"/>: "point five", which only counts as a number before a unit.</summary>
internal readonly record struct Quantity(string Text, long Whole, bool IsDecimal, bool IsSmallWord, bool StartsWithPoint, int Length);

/// <summary>English number words as the engine emits them, read the way clinicians say numbers.</summary>
internal static class NumberWords
{
    public const string Hundred = "hundred";
    public const string Point = "point";
    private const string A = "a";
    private const string And = "and";
    public const string Oh = "oh";

    private static readonly Dictionary<string, int> Digits = Table("zero one two three four five six seven eight nine", 0, 1);
    private static readonly Dictionary<string, int> Teens = Table("ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen", 10, 1);
    private static readonly Dictionary<string, int> Tens = Table("twenty thirty forty fifty sixty seventy eighty ninety", 20, 10);
    private static readonly Dictionary<string, long> Scales = new(StringComparer.Ordinal) { ["thousand"] = 1_000, ["million"] = 1_000_000 };

    private static readonly Dictionary<string, int> Ordinals = new[]
    {
        Table("first second third fourth fifth sixth seventh eighth ninth tenth", 1, 1),
        Table("eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth", 11, 1),
        Table("twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth", 20, 10),
    }.SelectMany(t => t).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    public static IEnumerable<string> Words =>
        Digits.Keys.Concat(Teens.Keys).Concat(Tens.Keys).Concat(Scales.Keys).Concat(Ordinals.Keys)
            .Concat([Hundred, Point, A, And, Oh]);

    /// <summary>A cardinal in the standard grammar: "one hundred and twenty", "two thousand twenty six",
    /// "a hundred". Stops where the standard grammar stops: "one forty" is read here as 1.</summary>
    public static bool TryCardinal(IReadOnlyList<string> words, int index, out Cardinal cardinal)
    {
        long total = 0;
        var pos = index;
        var lastScale = long.MaxValue;
        var shape = NumberShape.Digit;
        while (true)
        {
            Cardinal group;
            if (pos == index && At(words, pos) == A && Scales.ContainsKey(At(words, pos + 1)))
            {
                group = new Cardinal(1, 1, NumberShape.Digit);
            }
            else if (!TryGroup(words, pos, allowA: pos == index, out group))
            {
                break;
            }

            var next = pos + group.Length;
            var scaled = Scales.TryGetValue(At(words, next), out var scale);
            if (group.Value * (scaled ? scale : 1) >= lastScale)
            {
                break; // "two thousand fifteen hundred": the second part is another number.
            }

            if (scaled)
            {
                total += group.Value * scale;
                lastScale = scale;
                shape = NumberShape.Large;
                pos = next + 1;
                if (At(words, pos) == And && TryGroup(words, pos + 1, allowA: false, out _))
                {
                    pos++;
                }

                continue;
            }

            total += group.Value;
            shape = lastScale == long.MaxValue ? group.Shape : NumberShape.Large;
            pos = next;
            break;
        }

        cardinal = new Cardinal(total, pos - index, shape);
        return pos > index;
    }

    /// <summary>A number with the colloquial readings: a digit before a two-digit number is hundreds
    /// ("one forty" → 140, "one twenty five" → 125, "one oh five" → 105), "nineteen"/"twenty" before a
    /// two-digit number is a year ("twenty twenty six" → 2026), and "point" reads the decimals
    /// ("ninety eight point six" → 98.6).</summary>
    public static bool TryQuantity(IReadOnlyList<string> words, int index, out Quantity quantity)
    {
        quantity = default;
        if (At(words, index) == Point && TryDecimals(words, index + 1, out var leading, out var leadingLength))
        {
            quantity = new Quantity("0." + leading, 0, true, false, true, leadingLength + 1);
            return true;
        }

        if (!TryCardinal(words, index, out var first))
        {
            return false;
        }

        var whole = first.Value;
        var pos = index + first.Length;
        var hundredsLead = (first.Shape == NumberShape.Digit && first.Value > 0)
            || (first.Value is 19 or 20 && first.Shape is NumberShape.Teen or NumberShape.Tens);
        if (hundredsLead)
        {
            if (TryCardinal(words, pos, out var rest) && rest.Shape is NumberShape.Teen or NumberShape.Tens or NumberShape.TensDigit)
            {
                whole = (whole * 100) + rest.Value;
                pos += rest.Length;
            }
            else if (At(words, pos) == Oh && Digits.TryGetValue(At(words, pos + 1), out var digit) && digit > 0)
            {
                whole = (whole * 100) + digit;
                pos += 2;
            }
        }

        var text = whole.ToString(CultureInfo.InvariantCulture);
        var isDecimal = false;
        if (At(words, pos) == Point && TryDecimals(words, pos + 1, out var decimals, out var decimalLength))
        {
            isDecimal = true;
            text += "." + decimals;
            pos += decimalLength + 1;
        }

        var small = pos - index == 1 && first.Shape == NumberShape.Digit;
        quantity = new Quantity(text, whole, isDecimal, small, false, pos - index);
        return true;
    }

    /// <summary>"third" → 3, "twenty first" → 21.</summary>
    public static bool TryOrdinal(IReadOnlyList<string> words, int index, out Cardinal ordinal)
    {
        ordinal = default;
        if (Ordinals.TryGetValue(At(words, index), out var value))
        {
            ordinal = new Cardinal(value, 1, NumberShape.Digit);
            return true;
        }

        if (Tens.TryGetValue(At(words, index), out var tens) && Ordinals.TryGetValue(At(words, index + 1), out var unit) && unit < 10)
        {
            ordinal = new Cardinal(tens + unit, 2, NumberShape.TensDigit);
            return true;
        }

        return false;
    }

    public static string OrdinalText(long value)
    {
        var suffix = (value % 100) is >= 11 and <= 13 ? "th" : (value % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" };
        return value.ToString(CultureInfo.InvariantCulture) + suffix;
    }

    public static string At(IReadOnlyList<string> words, int index) => index < words.Count ? words[index] : string.Empty;

    /// <summary>Below ten thousand: "one hundred and five", "forty two", "seven", "a hundred", and the
    /// hundreds clinicians say for thousands ("fifteen hundred", "twenty five hundred").</summary>
    private static bool TryGroup(IReadOnlyList<string> words, int index, bool allowA, out Cardinal group)
    {
        var pos = index;
        long value = 0;
        var hundreds = false;
        if (allowA && At(words, pos) == A && At(words, pos + 1) == Hundred)
        {
            (value, pos, hundreds) = (100, pos + 2, true);
        }
        else if (TryTail(words, pos, false, out var lead) && lead.Value > 0 && At(words, pos + lead.Length) == Hundred)
        {
            (value, pos, hundreds) = (lead.Value * 100, pos + lead.Length + 1, true);
        }
        else if (At(words, pos) == Hundred)
        {
            (value, pos, hundreds) = (100, pos + 1, true);
        }

        if (hundreds && At(words, pos) == And && TryTail(words, pos + 1, false, out _))
        {
            pos++;
        }

        var shape = NumberShape.Large;
        if (TryTail(words, pos, hundreds, out var tail))
        {
            value += tail.Value;
            pos += tail.Length;
            shape = hundreds ? NumberShape.Large : tail.Shape;
        }
        else if (!hundreds)
        {
            group = default;
            return false;
        }

        group = new Cardinal(value, pos - index, shape);
        return true;
    }

    private static bool TryTail(IReadOnlyList<string> words, int index, bool afterHundred, out Cardinal tail)
    {
        var word = At(words, index);
        if (Teens.TryGetValue(word, out var teen))
        {
            tail = new Cardinal(teen, 1, NumberShape.Teen);
        }
        else if (Tens.TryGetValue(word, out var tens))
        {
            tail = Digits.TryGetValue(At(words, index + 1), out var unit) && unit > 0
                ? new Cardinal(tens + unit, 2, NumberShape.TensDigit)
                : new Cardinal(tens, 1, NumberShape.Tens);
        }
        else if (Digits.TryGetValue(word, out var digit) && !(afterHundred && digit == 0))
        {
            tail = new Cardinal(digit, 1, NumberShape.Digit);
        }
        else
        {
            tail = default;
            return false;
        }

        return true;
    }

    /// <summary>Decimals are said digit by digit ("point two five", "point oh five") or as one two-digit
    /// number ("point twenty five").</summary>
    private static bool TryDecimals(IReadOnlyList<string> words, int index, out string digits, out int length)
    {
        var pos = index;
        var text = string.Empty;
        while (Digits.TryGetValue(At(words, pos), out var digit) || At(words, pos) == Oh)
        {
            text += digit.ToString(CultureInfo.InvariantCulture);
            pos++;
        }

        if (text.Length == 0 && TryTail(words, index, false, out var tail) && tail.Shape != NumberShape.Digit)
        {
            text = tail.Value.ToString(CultureInfo.InvariantCulture);
            pos += tail.Length;
        }

        (digits, length) = (text, pos - index);
        return text.Length > 0;
    }

    private static Dictionary<string, int> Table(string words, int first, int step) =>
        words.Split(' ').Select((w, k) => (w, k)).ToDictionary(p => p.w, p => first + (p.k * step), StringComparer.Ordinal);
}
