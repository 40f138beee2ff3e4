namespace Seva.Bench;

internal static class Stats
{
    public static double Percentile(IReadOnlyList<double> values, double q)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(q * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    /// <summary>Word-level edit distance (substitutions, insertions, deletions).</summary>
    public static int WordEdits(string reference, string hypothesis)
    {
        var r = reference.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var h = hypothesis.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var d = new int[h.Length + 1];
        for (var j = 0; j <= h.Length; j++)
        {
            d[j] = j;
        }

        for (var i = 1; i <= r.Length; i++)
        {
            var previous = d[0];
            d[0] = i;
            for (var j = 1; j <= h.Length; j++)
            {
                var current = d[j];
                d[j] = Math.Min(Math.Min(d[j] + 1, d[j - 1] + 1), previous + (r[i - 1] == h[j - 1] ? 0 : 1));
                previous = current;
            }
        }

        return d[h.Length];
    }

    public static int Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
}
