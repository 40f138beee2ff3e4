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

    private SevaServer(Uri url, string key, Process? process, string? dataDirectory)
    {
        Url = url;
        Key = key;
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

    public static Task<SevaServer> ConnectAsync(Uri url, string key) => Task.FromResult(new SevaServer(url, key, null, null));

    /// <summary>Starts the Seva.Web build next to this bench (Release preferred) with its own data directory.</summary>
    public static async Task<SevaServer> StartAsync(int idleDecoders, TextWriter log)
    {
        var root = FindRepositoryRoot();
        var dll = Configurations
            .Select(c => Path.Combine(root, "src", "Seva.Web", "bin", c, "net10.0", "Seva.Web.dll"))
            .Where(File.Exists)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault() ?? throw new InvalidOperationException("Seva.Web is not built: run `dotnet build -c Release` first.");
        var port = FreePort();
        var key = "bench-" + Convert.ToHexString(Guid.NewGuid().ToByteArray());
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
        start.Environment["Seva__Dictation__MaxConcurrentSessions"] = "1000";
        start.Environment["Seva__Speech__PocketSphinx__IdleDecoders"] = idleDecoders.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start Seva.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { log.WriteLine("[seva] " + e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { log.WriteLine("[seva] " + e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new SevaServer(new Uri($"http://127.0.0.1:{port}"), key, process, data);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                var metrics = await server.MetricsAsync();
                if (metrics.DecodersIdle >= Math.Min(idleDecoders, 2))
                {
                    return server; // up, and its first decoders are loaded
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

    public async Task<ServerMetrics> MetricsAsync()
    {
        var json = (await Http.GetFromJsonAsync<JsonObject>("/api/v1/metrics"))!;
        var process = json["process"]!;
        var histograms = new Dictionary<string, (long[] Buckets, double MaxMs)>();
        foreach (var name in new[] { "ingest_delay", "handoff_delay", "decode_queue_delay", "chunk_decode_time", "utterance_end_time" })
        {
            var h = json[name]!;
            histograms[name] = (h["buckets"]!.AsArray().Select(b => (long)b!).ToArray(), (double)h["max_ms"]!);
        }

        return new ServerMetrics(
            (int)json["active_sessions"]!,
            (int)json["decoders_loaded"]!,
            (int)json["decoders_idle"]!,
            (long)process["working_set_bytes"]!,
            (double)process["cpu_seconds"]!,
            (int)process["cores"]!,
            histograms);
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
    IReadOnlyDictionary<string, (long[] Buckets, double MaxMs)> Histograms)
{
    /// <summary>Percentile (ms) of one server histogram over what was recorded since <paramref name="before"/>.</summary>
    public double PercentileMs(string name, ServerMetrics before, double q)
    {
        var (now, maxMs) = Histograms[name];
        var earlier = before.Histograms[name].Buckets;
        return new Seva.Actors.Speech.LatencySnapshot([.. now.Select((c, i) => c - earlier[i])], TimeSpan.FromMilliseconds(maxMs)).PercentileMilliseconds(q);
    }
}
