using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Seva.Bench;

/// <summary>The Seva under test: started here (a child process on a free loopback port) or given by --url.</summary>
internal sealed class SevaServer : IAsyncDisposable
{
    private static readonly string[] Configurations = ["Release", "Debug"];
    private readonly Process? _process;
    private readonly string? _dataDirectory;

    private readonly string? _metricsKey;

    private SevaServer(Uri url, string key, string? metricsKey, Process? process, string? dataDirectory)
    {
        Url = url;
        Key = key;
        _metricsKey = metricsKey;
        _process = process;
        _dataDirectory = dataDirectory;
        Http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
    }

    public Uri Url { get; }

    public string Key { get; }

    public HttpClient Http { get; }

    public bool Owned => _process is not null;

    public Uri StreamUri => new UriBuilder(Url) { Scheme = Url.Scheme == "https" ? "wss" : "ws", Path = "/api/v1/dictation/stream" }.Uri;

    /// <summary>A running Seva; <paramref name="metricsKey"/> is its Seva:Metrics:AdminKey (figures read
    /// from /metrics are missing without it).</summary>
    public static Task<SevaServer> ConnectAsync(Uri url, string key, string? metricsKey) => Task.FromResult(new SevaServer(url, key, metricsKey, null, null));

    /// <summary>Starts the Seva.Web build next to this bench (Release preferred) with its own data directory.</summary>
    public static async Task<SevaServer> StartAsync(int idleDecoders, TextWriter log, int warmDecoders = 2)
    {
        var root = FindRepositoryRoot();
        var dll = Configurations
            .Select(c => Path.Combine(root, "src", "Seva.Web", "bin", c, "net10.0", "Seva.Web.dll"))
            .Where(File.Exists)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault() ?? throw new InvalidOperationException("Seva.Web is not built: run `dotnet build -c Release` first.");
        var port = FreePort();
        var key = "bench-" + Convert.ToHexString(Guid.NewGuid().ToByteArray());
        var metricsKey = "bench-metrics-" + Convert.ToHexString(Guid.NewGuid().ToByteArray());
        var data = Path.Combine(Path.GetTempPath(), "seva-bench-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["Seva__DataDirectory"] = data;
        start.Environment["Seva__ApiKeys__0__Key"] = key;
        start.Environment["Seva__ApiKeys__0__UserId"] = "bench";
        start.Environment["Seva__Metrics__AdminKey"] = metricsKey;
        start.Environment["Seva__Dictation__MaxConcurrentSessions"] = "1000";
        start.Environment["Seva__Speech__PocketSphinx__IdleDecoders"] = idleDecoders.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Seva__Speech__PocketSphinx__WarmDecoders"] = warmDecoders.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start Seva.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { log.WriteLine("[seva] " + e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { log.WriteLine("[seva] " + e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new SevaServer(new Uri($"http://127.0.0.1:{port}"), key, metricsKey, process, data);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                var metrics = await server.MetricsAsync();
                if (metrics.DecodersIdle >= Math.Min(idleDecoders, warmDecoders))
                {
                    return server; // up, and its warm decoders are loaded
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("Seva did not start (see the [seva] lines above).");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>The Prometheus text of <c>/metrics</c>, read with the admin key as an operator's Prometheus does.</summary>
    public async Task<string> ScrapeAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _metricsKey ?? Key);
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Scrapes <c>/metrics</c>, the same instruments an operator's Prometheus reads.</summary>
    public async Task<ServerMetrics> MetricsAsync()
    {
        var scrape = PrometheusScrape.Parse(await ScrapeAsync());
        return new ServerMetrics(
            (int)scrape.Sum("seva_dictation_sessions_active"),
            (int)scrape.Sum("seva_decoders_loaded"),
            (int)scrape.Sum("seva_decoders_idle"),
            (long)scrape.Sum("dotnet_process_memory_working_set_bytes"),
            scrape.Sum("dotnet_process_cpu_time_seconds_total"),
            scrape.Has("dotnet_process_cpu_count") ? (int)scrape.Sum("dotnet_process_cpu_count") : Environment.ProcessorCount,
            ServerMetrics.HistogramNames.ToDictionary(n => n.Key, n => scrape.Buckets(n.Value)));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        if (_dataDirectory is not null && Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Seva.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run the bench from inside the Seva repository (Seva.sln not found).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

internal sealed record ServerMetrics(
    int ActiveSessions,
    int DecodersLoaded,
    int DecodersIdle,
    long WorkingSetBytes,
    double CpuSeconds,
    int Cores,
    IReadOnlyDictionary<string, (double Le, double Count)[]> Histograms)
{
    /// <summary>The bench's names for Seva's delay histograms, and their names in the Prometheus text.</summary>
    public static IReadOnlyDictionary<string, string> HistogramNames { get; } = new Dictionary<string, string>
    {
        ["ingest_delay"] = "seva_ingest_delay_seconds",
        ["handoff_delay"] = "seva_handoff_delay_seconds",
        ["decode_queue_delay"] = "seva_decode_queue_delay_seconds",
        ["chunk_decode_time"] = "seva_decode_chunk_duration_seconds",
        ["utterance_end_time"] = "seva_decode_utterance_end_duration_seconds",
        ["final_latency"] = "seva_final_latency_seconds",
    };

    /// <summary>Percentile (ms, the upper bound of its bucket) of one server histogram over what was
    /// recorded since <paramref name="before"/>; 0 if nothing was.</summary>
    public double PercentileMs(string name, ServerMetrics before, double q)
    {
        var now = Histograms[name];
        var earlier = before.Histograms[name].ToDictionary(b => b.Le, b => b.Count);
        var interval = now.Select(b => (b.Le, Count: b.Count - earlier.GetValueOrDefault(b.Le))).ToArray();
        var total = interval.Length == 0 ? 0 : interval[^1].Count;
        if (total <= 0)
        {
            return 0;
        }

        var rank = Math.Ceiling(q * total);
        var bucket = interval.First(b => b.Count >= rank);
        var le = double.IsPositiveInfinity(bucket.Le) ? interval[^2].Le : bucket.Le;
        return le * 1000;
    }
}
