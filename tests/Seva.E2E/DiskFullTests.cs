using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Seva.Web.Tests.Support;

namespace Seva.E2E;

/// <summary>The data directory on a real 3 MB filesystem that fills up mid-dictation (issue 12: a full
/// disk never wedges a session). Needs the right to mount a tmpfs; where the machine does not give it,
/// the test says it was skipped rather than pass.</summary>
public sealed class DiskFullTests : IAsyncLifetime
{
    private const string Key = "disk-full-key-0123456789";
    private readonly string _mount = Path.Combine(Path.GetTempPath(), "seva-tiny-" + Guid.NewGuid().ToString("N"));
    private bool _mounted;

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Seva:ApiKeys:0:Key"] = Key,
        ["Seva:ApiKeys:0:UserId"] = "disk-user",
    };

    [SkippableFact]
    public async Task DiskFillsMidDictation_TheSessionCompletes_AndOnceSpaceIsBackTheRecordIsCompletedWithEveryFinal()
    {
        Skip.IfNot(_mounted, "mounting a 3 MB tmpfs needs root and the mount capability, which this machine does not give");
        var fill = Path.Combine(_mount, "fill");
        await using var seva = await PublishedSeva.StartAsync(Settings, _mount);
        await using var client = await DictationClient.ConnectAsync(new UriBuilder(new Uri(seva.BaseAddress, "api/v1/dictation/stream")) { Scheme = "ws" }.Uri, Key);
        var ack = await client.StartAsync();
        var first = Speech.Concat(Speech.Say("she has a history of diabetes and high blood pressure"), Speech.Silence(1.0, 16000));
        await client.StreamAsync(first, 16000);
        await client.WaitForAsync(_ => client.Finals.Count >= 1, TimeSpan.FromSeconds(15));

        FillUp(fill);
        await client.StreamAsync(Speech.Concat(Speech.Say("the patient reports chest pain since yesterday"), Speech.Silence(1.5, 16000)), 16000);
        await client.WaitForAsync(_ => client.Finals.Count >= 2, TimeSpan.FromSeconds(15));
        await client.EndAsync();
        await client.WaitForTypeAsync("session_complete", TimeSpan.FromSeconds(30));
        Assert.Single(client.OfType("error"), e => (string?)e["error_code"] == "S3_UPLOAD_FAILED");

        File.Delete(fill);
        using var http = new HttpClient { BaseAddress = seva.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        JsonNode? record = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(250))
        {
            record = JsonNode.Parse(await http.GetStringAsync($"api/v1/transcriptions/{ack["job_id"]}"));
            if ((string?)record!["status"] != "IN_PROGRESS")
            {
                break;
            }
        }

        Assert.Equal("COMPLETED", (string?)record!["status"]);
        Assert.Equal("S3_UPLOAD_FAILED", (string?)record["error_code"]);
        Assert.Equal(client.FinalText, (string?)record["transcript_text"]);
        Assert.NotNull((string?)record["audio_key"]); // the audio written before the disk filled stays attached

        // the server is not wedged: the next dictation works and keeps its audio
        await using var next = await DictationClient.ConnectAsync(new UriBuilder(new Uri(seva.BaseAddress, "api/v1/dictation/stream")) { Scheme = "ws" }.Uri, Key);
        await next.StartAsync();
        await next.StreamAsync(first, 16000, realTime: false);
        await next.EndAsync();
        await next.WaitForTypeAsync("session_complete", TimeSpan.FromSeconds(30));
        Assert.Empty(next.OfType("error"));
    }

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_mount);
        _mounted = Run("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", _mount);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        if (_mounted)
        {
            Run("umount", "-l", _mount);
        }

        Directory.Delete(_mount, recursive: true);
        return Task.CompletedTask;
    }

    private static void FillUp(string path)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
        var block = new byte[64 * 1024];
        try
        {
            while (true)
            {
                file.Write(block);
            }
        }
        catch (IOException)
        {
            // full
        }
    }

    private static bool Run(string command, params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in args)
            {
                start.ArgumentList.Add(a);
            }

            using var process = Process.Start(start)!;
            process.WaitForExit(10_000);
            return process.HasExited && process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no such program
        }
    }
}
