namespace Seva.Actors.Speech;

/// <summary>Word error rate: word-level edit distance over the reference length.</summary>
/// <remarks>Used to check recognition quality in tests and the benchmark.</remarks>
public static class WordErrorRate
{
    public static double Compute(string reference, string hypothesis)
    {
        var r = Words(reference);
        var h = Words(hypothesis);
        if (r.Length == 0)
        {
            return h.Length == 0 ? 0 : 1;
        }

        var d = new int[r.Length + 1, h.Length + 1];
        for (var i = 0; i <= r.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= h.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= r.Length; i++)
        {
            for (var j = 1; j <= h.Length; j++)
            {
                var cost = r[i - 1] == h[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
            }
        }

        return d[r.Length, h.Length] / (double)r.Length;
    }

    /// <summary>Lower-case words; punctuation around a word (a formatted final's "pressure.") is not part of it.</summary>
    private static string[] Words(string text) =>
        [.. text.ToLowerInvariant().Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.Trim('.', ',', ';', ':', '?', '!', '(', ')', '"'))
            .Where(w => w.Length > 0)];
}
