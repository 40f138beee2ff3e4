using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Seva.E2E;

/// <summary>Seva as a user runs it: <c>scripts/publish</c>, then the command <c>scripts/run</c> ends
/// with (<c>scripts/serve --urls ...</c>), as a separate process in Production, on a free port.</summary>
/// <remarks>Unlike the in-process server, this serves static assets from the publish output, so a
/// broken deployment (assets missing, the circuit not starting) fails here.</remarks>
public sealed class PublishedSeva : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _dataDirectory;
    private readonly bool _ownsDataDirectory;

    private PublishedSeva(Process process, Uri baseAddress, string dataDirectory, bool ownsDataDirectory)
    {
        _process = process;
        BaseAddress = baseAddress;
        _dataDirectory = dataDirectory;
        _ownsDataDirectory = ownsDataDirectory;
    }

    public string DataDirectory => _dataDirectory;

    public bool HasExited => _process.HasExited;

    public Uri BaseAddress { get; }

    /// <summary>What the server printed so far (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Publishes and starts Seva; with <paramref name="dataDirectory"/> it runs on that directory
    /// and leaves it in place when stopped (a restart finds what the last run left).</summary>
    public static async Task<PublishedSeva> StartAsync(IReadOnlyDictionary<string, string?> settings, string? dataDirectory = null)
    {
        var root = RepositoryRoot();
        await PublishOnceAsync(root);

        var port = FreePort();
        var data = dataDirectory ?? Path.Combine(Path.GetTempPath(), "seva-published-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo(Path.Combine(root, "scripts", "serve"))
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        start.Environment["Seva__DataDirectory"] = data;
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start scripts/serve.");
        var seva = new PublishedSeva(process, new Uri($"http://127.0.0.1:{port}/"), data, ownsDataDirectory: dataDirectory is null);
        process.OutputDataReceived += (_, e) => seva.Append(e.Data);
        process.ErrorDataReceived += (_, e) => seva.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await seva.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        }
        catch
        {
            await seva.DisposeAsync();
            throw;
        }

        return seva;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Seva exited with {_process.ExitCode} before it was ready:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync("health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // busy starting
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Seva was not ready within {timeout}:\n{Output}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>Test classes run in parallel: two publishes into one output would write the same files at
    /// once, so the process publishes one at a time (a publish with nothing changed is quick).</summary>
    private static readonly SemaphoreSlim Publishing = new(1, 1);

    private static async Task PublishOnceAsync(string root)
    {
        await Publishing.WaitAsync();
        try
        {
            var publish = await RunAsync(root, "scripts/publish", [], TimeSpan.FromMinutes(10));
            if (publish.ExitCode != 0)
            {
                throw new InvalidOperationException($"scripts/publish failed ({publish.ExitCode}):\n{publish.Output}");
            }
        }
        finally
        {
            Publishing.Release();
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Seva.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Seva.sln not found above " + AppContext.BaseDirectory);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string directory, string script, string[] args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(Path.Combine(directory, script))
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + script);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary><c>kill -9</c>: the process gets no chance to save anything.</summary>
    public async Task KillHardAsync()
    {
        _process.Kill(); // SIGKILL on Linux; scripts/serve execs dotnet, so this is Seva itself
        await _process.WaitForExitAsync();
    }

    /// <summary>Sends SIGTERM (what systemd or docker stop send) and waits for the process to exit.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        if (!_ownsDataDirectory)
        {
            return;
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
        catch (UnauthorizedAccessException)
        {
            // best effort
        }
    }
}
