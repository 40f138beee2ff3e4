using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Seva.Actors.Translation;

/// <summary>Translation with the installed Apertium pairs. Each pair's pipeline is started when first
/// needed and shared by every caller; a language without a direct pair goes through Spanish.</summary>
public sealed class ApertiumTranslator : ITranslator, IAsyncDisposable
{
    /// <summary>Apertium's names for languages, by ISO 639-1 code; pairs use either form.</summary>
    private static readonly Dictionary<string, string[]> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["en"] = ["eng", "en"],
        ["es"] = ["spa", "es"],
        ["fr"] = ["fra", "fr"],
        ["pt"] = ["por", "pt"],
        ["it"] = ["ita", "it"],
        ["ca"] = ["cat", "ca"],
        ["gl"] = ["glg", "gl"],
        ["ro"] = ["ron", "ro"],
        ["de"] = ["deu", "de"],
        ["nl"] = ["nld", "nl"],
        ["eo"] = ["epo", "eo"],
        ["oc"] = ["oci", "oc"],
        ["eu"] = ["eus", "eu"],
    };

    private const string Pivot = "es";

    private readonly ApertiumOptions _options;
    private readonly ILogger<ApertiumTranslator> _logger;
    private readonly Dictionary<(string From, string To), string> _modes;
    private readonly ConcurrentDictionary<string, Lazy<ApertiumPipeline>> _pipelines = new(StringComparer.Ordinal);

    public ApertiumTranslator(IOptions<ApertiumOptions> options, ILogger<ApertiumTranslator> logger)
    {
        _options = options.Value;
        _logger = logger;
        _modes = DiscoverModes(_options.ModesDirectory);
    }

    /// <summary>Direct pairs installed, as (from, to) ISO codes.</summary>
    public IReadOnlyCollection<(string From, string To)> Pairs => _modes.Keys;

    public IReadOnlyList<string> TargetsFor(string source)
    {
        var targets = new SortedSet<string>(StringComparer.Ordinal) { source };
        foreach (var (from, to) in _modes.Keys)
        {
            if (from == source)
            {
                targets.Add(to);
            }
        }

        // Through Spanish: source -> es -> anything es reaches.
        if (_modes.ContainsKey((source, Pivot)))
        {
            foreach (var (from, to) in _modes.Keys)
            {
                if (from == Pivot)
                {
                    targets.Add(to);
                }
            }
        }

        return [.. targets];
    }

    public async Task<string> TranslateAsync(string text, string source, string target, CancellationToken cancellationToken)
    {
        if (string.Equals(source, target, StringComparison.OrdinalIgnoreCase))
        {
            return text;
        }

        if (_modes.TryGetValue((source, target), out var direct))
        {
            return await Pipeline(direct).TranslateAsync(text, cancellationToken);
        }

        if (_modes.TryGetValue((source, Pivot), out var first) && _modes.TryGetValue((Pivot, target), out var second))
        {
            var spanish = await Pipeline(first).TranslateAsync(text, cancellationToken);
            return await Pipeline(second).TranslateAsync(spanish, cancellationToken);
        }

        throw new UnsupportedLanguageException(target, TargetsFor(source));
    }

    /// <summary>The running pipeline of one mode (for health checks and tests).</summary>
    public ApertiumPipeline Pipeline(string mode) =>
        _pipelines.GetOrAdd(mode, m => new Lazy<ApertiumPipeline>(() => new ApertiumPipeline(m, NullFlushScript(m), _logger))).Value;

    public async ValueTask DisposeAsync()
    {
        foreach (var pipeline in _pipelines.Values.Where(p => p.IsValueCreated))
        {
            await pipeline.Value.DisposeAsync();
        }
    }

    private string NullFlushScript(string mode)
    {
        // apertium-wblank-mode -z rewrites the pair's mode so every stage flushes on NUL.
        var start = new ProcessStartInfo("apertium-wblank-mode") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-z");
        start.ArgumentList.Add(Path.Combine(_options.ModesDirectory, mode + ".mode"));
        using var process = Process.Start(start) ?? throw new InvalidOperationException("apertium-wblank-mode is missing: install the Debian package apertium.");
        var script = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 && script.Length > 0
            ? script
            : throw new InvalidOperationException($"apertium-wblank-mode could not read the mode {mode}: {process.StandardError.ReadToEnd()}");
    }

    private static Dictionary<(string, string), string> DiscoverModes(string directory)
    {
        var modes = new Dictionary<(string, string), string>();
        if (!Directory.Exists(directory))
        {
            return modes;
        }

        foreach (var file in Directory.EnumerateFiles(directory, "*.mode"))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var parts = name.Split('-');
            if (parts.Length != 2 || parts[1].Contains('_', StringComparison.Ordinal))
            {
                continue; // variants such as spa-eng_US, and analysers or generators, are not pairs
            }

            var from = IsoCode(parts[0]);
            var to = IsoCode(parts[1]);
            if (from is not null && to is not null)
            {
                modes.TryAdd((from, to), name);
            }
        }

        return modes;
    }

    private static string? IsoCode(string apertiumName) =>
        Names.FirstOrDefault(n => n.Value.Contains(apertiumName, StringComparer.OrdinalIgnoreCase)).Key;
}
