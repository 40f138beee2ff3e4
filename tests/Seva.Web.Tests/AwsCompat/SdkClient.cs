using System.Diagnostics;
using System.Text.Json;

namespace Seva.Web.Tests.AwsCompat;

/// <summary>Runs the real AWS SDK for JavaScript (tests/aws-client, installed with <c>npm ci</c> on first use)
/// against a local server that answers with bytes Seva's code made, and returns what the SDK made of them.</summary>
internal static class SdkClient
{
    private static readonly Lazy<Task<string>> Installed = new(InstallAsync);

    public static async Task<JsonElement> ReadResponseAsync(string operation, int status, IReadOnlyDictionary<string, string> headers, byte[] body)
    {
        var directory = await Installed.Value;
        var scenario = Path.Combine(Path.GetTempPath(), $"seva-sdk-scenario-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(scenario, JsonSerializer.Serialize(new { operation, status, headers, bodyBase64 = Convert.ToBase64String(body) }));
        try
        {
            var stdout = await RunAsync(directory, "node", "read-response.mjs", scenario);
            using var document = JsonDocument.Parse(stdout);
            return document.RootElement.Clone();
        }
        finally
        {
            File.Delete(scenario);
        }
    }

    private static async Task<string> InstallAsync()
    {
        var directory = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(directory, "tests", "aws-client", "package.json")))
        {
            directory = Path.GetDirectoryName(directory) ?? throw new InvalidOperationException("tests/aws-client/package.json not found above the test binaries.");
        }

        directory = Path.Combine(directory, "tests", "aws-client");
        if (!File.Exists(Path.Combine(directory, "node_modules", "@aws-sdk", "client-transcribe-streaming", "package.json")))
        {
            await RunAsync(directory, "npm", "ci", "--no-audit", "--no-fund");
        }

        return directory;
    }

    private static async Task<string> RunAsync(string directory, string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"{program} is not installed: these tests run the AWS SDK for JavaScript on Node 20 or later (Debian packages nodejs and npm; scripts/test installs them).", ex);
        }

        using (process)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return process.ExitCode == 0
                ? await stdout
                : throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}) in {directory}: {await stderr}");
        }
    }
}
