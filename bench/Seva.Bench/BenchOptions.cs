using System.Globalization;

namespace Seva.Bench;

internal sealed record BenchOptions
{
    public const string Usage = """
        Seva benchmark. Usage: dotnet run --project bench/Seva.Bench -c Release -- [mode] [options]
          modes:   all (default: engine, accuracy, burst, broadcast, then ramp) | engine | accuracy | burst |
                   broadcast | load | ramp
          --spacing S      seconds between session starts in 'burst' (default 0.15, on a fresh server)
          --listeners N    listener sockets in 'broadcast' (default 500) ...
          --slow N         ... and sockets among them that stop reading (default 5)
          --warm-decoders N  decoders a server started for 'burst' loads before it is used (default 2,
                           Seva's default)
          --parallel N     dictations at once in 'accuracy' (default 4)
          --streams N      streams for 'load' (default 16)
          --ramp           same as the 'ramp' mode
          --start N --step N --max N   ramp from N, by N, up to N streams (default 4, 4, 40)
          --limit S        p95 final-latency limit for the ramp, seconds (default 0.8)
          --sentences N    sentences each stream speaks (default 4; a second of silence between them)
          --idle-decoders N  decoders the started server keeps loaded between sessions (default 64,
                           so decoders stay loaded across runs and session memory can be told apart)
          --url URL --key KEY   measure a running Seva instead of starting one
          --metrics-key KEY  that Seva's Seva:Metrics:AdminKey (its /metrics needs it)
          --json [PATH]    also write the figures as JSON (to PATH, or '-' for standard output)
        """;

    public string Mode { get; init; } = "all";

    public int Streams { get; init; } = 16;

    public int Start { get; init; } = 4;

    public int Step { get; init; } = 4;

    public int Max { get; init; } = 40;

    public double Limit { get; init; } = 0.8;

    public int Sentences { get; init; } = 4;

    public int Parallel { get; init; } = 4;

    public int Listeners { get; init; } = 500;

    public int WarmDecoders { get; init; } = 2;

    public int Slow { get; init; } = 5;

    public double Spacing { get; init; } = 0.15;

    public int IdleDecoders { get; init; } = 64;

    public Uri? Url { get; init; }

    public string? Key { get; init; }

    public string? MetricsKey { get; init; }

    public string? Json { get; init; }

    public bool Help { get; init; }

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            o = args[i] switch
            {
                "all" or "engine" or "accuracy" or "burst" or "broadcast" or "load" or "ramp" => o with { Mode = args[i] },
                "--spacing" => o with { Spacing = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--parallel" => o with { Parallel = Int() },
                "--warm-decoders" => o with { WarmDecoders = Int() },
                "--listeners" => o with { Listeners = Int() },
                "--slow" => o with { Slow = Int() },
                "--ramp" => o with { Mode = "ramp" },
                "--streams" => o with { Streams = Int(), Mode = o.Mode == "all" ? "load" : o.Mode },
                "--start" => o with { Start = Int() },
                "--step" => o with { Step = Int() },
                "--max" => o with { Max = Int() },
                "--limit" => o with { Limit = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--sentences" => o with { Sentences = Int() },
                "--idle-decoders" => o with { IdleDecoders = Int() },
                "--url" => o with { Url = new Uri(Next()) },
                "--key" => o with { Key = Next() },
                "--metrics-key" => o with { MetricsKey = Next() },
                "--json" => o with { Json = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? Next() : "-" },
                "-h" or "--help" => o with { Help = true },
                _ => throw new ArgumentException($"Unknown argument '{args[i]}'.\n{Usage}"),
            };
        }

        return o;
    }
}
