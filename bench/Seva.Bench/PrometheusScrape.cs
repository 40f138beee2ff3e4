using System.Globalization;

namespace Seva.Bench;

/// <summary>One scrape of Seva's <c>/metrics</c> (Prometheus text format): samples by metric name.</summary>
internal sealed class PrometheusScrape
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];

    public static PrometheusScrape Parse(string text)
    {
        var scrape = new PrometheusScrape();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.LastIndexOf(' ');
            string name;
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (brace >= 0 && brace < space)
            {
                name = line[..brace];
                var close = line.LastIndexOf('}');
                foreach (var pair in SplitLabels(line[(brace + 1)..close]))
                {
                    labels[pair.Key] = pair.Value;
                }

                space = line.IndexOf(' ', close);
            }
            else
            {
                space = line.IndexOf(' ', StringComparison.Ordinal);
                name = line[..space];
            }

            var value = line[(space + 1)..].Trim().Split(' ')[0];
            scrape._samples.Add((name, labels, ParseValue(value)));
        }

        return scrape;
    }

    /// <summary>The sum of a metric's samples (over all label sets); 0 if absent.</summary>
    public double Sum(string name) => _samples.Where(s => s.Name == name).Sum(s => s.Value);

    /// <summary>The sum of a metric's samples carrying one label value; 0 if absent.</summary>
    public double Sum(string name, (string Name, string Value) label) =>
        _samples.Where(s => s.Name == name && s.Labels.GetValueOrDefault(label.Name) == label.Value).Sum(s => s.Value);

    public bool Has(string name) => _samples.Any(s => s.Name == name);

    /// <summary>A histogram's cumulative bucket counts, by upper bound (the last is +Inf).</summary>
    public (double Le, double Count)[] Buckets(string histogram) =>
        [.. _samples.Where(s => s.Name == histogram + "_bucket")
            .GroupBy(s => ParseValue(s.Labels["le"]))
            .Select(g => (g.Key, g.Sum(s => s.Value)))
            .OrderBy(b => b.Key)];

    private static double ParseValue(string value) => value switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(value, CultureInfo.InvariantCulture),
    };

    private static IEnumerable<KeyValuePair<string, string>> SplitLabels(string labels)
    {
        var i = 0;
        while (i < labels.Length)
        {
            var eq = labels.IndexOf('=', i);
            var key = labels[i..eq].Trim().TrimStart(',').Trim();
            var start = labels.IndexOf('"', eq) + 1;
            var end = start;
            while (labels[end] != '"')
            {
                end += labels[end] == '\\' ? 2 : 1;
            }

            yield return new(key, labels[start..end]);
            i = end + 1;
        }
    }
}
