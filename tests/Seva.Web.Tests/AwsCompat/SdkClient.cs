using System.Diagnostics;
using System.Text.Json;

namespace Seva.Web.Tests.AwsCompat;

/// <summary>Runs the real AWS SDK for JavaScript (tests/aws-client, installed with <c>npm ci</c> on first use):
/// against a local server that answers with bytes Seva's code made (<see cref="ReadResponseAsync"/>), or against
/// a running Seva (<see cref="TranscribeAsync"/>), and returns what the SDK made of it.</summary>
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

    /// <summary>tests/aws-client/transcribe.mjs with this scenario (its header lists the fields); the PCM goes
    /// to a file of its own.</summary>
    public static async Task<JsonElement> TranscribeAsync(object scenario, short[] pcm)
    {
        var directory = await Installed.Value;
        var name = Path.Combine(Path.GetTempPath(), $"seva-sdk-transcribe-{Guid.NewGuid():N}");
        var bytes = new byte[pcm.Length * 2];
        Buffer.BlockCopy(pcm, 0, bytes, 0, bytes.Length); // little-endian, as on every machine .NET runs these tests on
        await File.WriteAllBytesAsync(name + ".raw", bytes);
        var fields = JsonSerializer.SerializeToNode(scenario)!.AsObject();
        fields["audioFile"] = name + ".raw";
        await File.WriteAllTextAsync(name + ".json", fields.ToJsonString());
        try
        {
            var stdout = await RunAsync(directory, "node", "transcribe.mjs", name + ".json");
            using var document = JsonDocument.Parse(stdout);
            return document.RootElement.Clone();
        }
        finally
        {
            File.Delete(name + ".raw");
            File.Delete(name + ".json");
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
        if (!AllInstalled(directory))
        {
            await RunAsync(directory, "npm", "ci", "--no-audit", "--no-fund");
        }

        return directory;
    }

    /// <summary>Every dependency package.json pins is in node_modules at that version (a checkout that
    /// installed an older package.json gets npm ci again).</summary>
    private static bool AllInstalled(string directory)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "package.json")));
        foreach (var dependency in manifest.RootElement.GetProperty("dependencies").EnumerateObject())
        {
            var installed = Path.Combine([directory, "node_modules", .. dependency.Name.Split('/'), "package.json"]);
            if (!File.Exists(installed))
            {
                return false;
            }

            using var package = JsonDocument.Parse(File.ReadAllText(installed));
            if (package.RootElement.GetProperty("version").GetString() != dependency.Value.GetString())
            {
                return false;
            }
        }

        return true;
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
