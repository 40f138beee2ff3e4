using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Seva.Actors.Tests.Support;
using Seva.Web.Tests.Support;

namespace Seva.E2E;

/// <summary>A crash or a stop of a separate Seva process while a dictation runs: what is left on restart
/// (issue 12: crashes lose at most a second, with files as with S3; SIGTERM ends sessions within
/// Seva:ShutdownTimeout).</summary>
public sealed class CrashRecoveryTests : IAsyncLifetime
{
    private const string Key = "crash-test-key-0123456789";
    private readonly string _data = Path.Combine(Path.GetTempPath(), "seva-crash-" + Guid.NewGuid().ToString("N"));

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Seva:ApiKeys:0:Key"] = Key,
        ["Seva:ApiKeys:0:UserId"] = "crash-user",
        ["Seva:ShutdownTimeout"] = "00:00:05",
    };

    private static short[] Dictation() => Speech.Concat(
        Speech.Say("she has a history of diabetes and high blood pressure"),
        Speech.Silence(1.0, 16000),
        Speech.Say("the patient reports chest pain since yesterday"),
        Speech.Silence(1.0, 16000),
        Speech.Say("blood pressure is one hundred forty over ninety"),
        Speech.Silence(1.5, 16000));

    [Fact]
    public async Task KillMinus9MidDictation_OnRestartTheRecordIsFailedWithItsFinals_AndItsAudioLacksAtMostASecond()
    {
        var (id, finals, sent) = await KillMidDictationAsync(Settings);

        await using (var seva = await PublishedSeva.StartAsync(Settings, _data))
        {
            using var http = Http(seva);
            var audioKey = await AssertFailedByTheRestartAsync(http, id, finals, sent);

            var file = Path.Combine(_data, audioKey);
            Assert.True(File.Exists(file));
            Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"api/v1/transcriptions/{id}")).StatusCode);
            Assert.False(File.Exists(file), "DELETE left the audio of a FAILED record on disk");
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"api/v1/transcriptions/{id}/audio")).StatusCode);
        }
    }

    /// <summary>S3 takes whole parts only (5 MiB, minutes of audio): the local spool is what keeps the rest,
    /// and the restart uploads it before it takes requests.</summary>
    [SkippableFact]
    public async Task KillMinus9MidDictation_WithS3_TheRestartUploadsTheSpool_AndTheAudioLacksAtMostASecond()
    {
        using var bucket = await S3TestBucket.CreateAsync(); // skipped, visibly, without SEVA_TEST_S3_URL
        var settings = new Dictionary<string, string?>(Settings.Concat(bucket.Settings()))
        {
            ["Seva:AudioStore:S3:Region"] = "us-east-1",
            ["AWS_ACCESS_KEY_ID"] = S3TestBucket.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = S3TestBucket.SecretKey,
        };
        var spool = Path.Combine(_data, "spool");

        var (id, finals, sent) = await KillMidDictationAsync(settings);
        // Less than a part: nothing of it was in the bucket (a readiness probe killed between its write and
        // its delete may have left its small object under .health/).
        Assert.DoesNotContain(await bucket.KeysAsync(), k => !k.Contains("/.health/", StringComparison.Ordinal));
        Assert.Equal(2, Directory.GetFiles(spool).Length); // the audio and its sidecar

        await using (var seva = await PublishedSeva.StartAsync(settings, _data))
        {
            using var http = Http(seva);
            var audioKey = await AssertFailedByTheRestartAsync(http, id, finals, sent);

            // (a probe the killed run left under .health/ may still be there: it is not a recording)
            Assert.Equal([audioKey], (await bucket.KeysAsync()).Where(k => !k.Contains("/.health/", StringComparison.Ordinal)));
            Assert.Empty(Directory.GetFiles(spool));
            Assert.Contains("Recovered 1 recordings a crash left in the spool", seva.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SigtermMidDictation_EndsTheSessionWithinTheShutdownTimeout_KeepingItsFinalsAndAudio()
    {
        var audio = Dictation();
        string id;
        string finals;
        await using (var seva = await PublishedSeva.StartAsync(Settings, _data))
        {
            await using var client = await DictationClient.ConnectAsync(StreamUri(seva), Key);
            id = (string)(await client.StartAsync())["job_id"]!;
            await client.StreamAsync(audio, 16000);
            await WaitForFinalsAsync(client, 3);

            var stopping = Stopwatch.StartNew();
            await seva.TerminateAsync(TimeSpan.FromSeconds(40)); // Seva:ShutdownTimeout is 5 s
            // Well under the host's own 30 s default (the setting applies), with room for a busy CI
            // machine's process teardown; the issue saw SIGTERM ignored for 110 s.
            Assert.InRange(stopping.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(20));
            var complete = await client.WaitForTypeAsync("session_complete", TimeSpan.FromSeconds(1));
            Assert.Equal(id, (string?)complete["transcription_id"]);
            finals = client.FinalText;
        }

        await using (var seva = await PublishedSeva.StartAsync(Settings, _data))
        {
            using var http = Http(seva);
            var record = JsonNode.Parse(await http.GetStringAsync($"api/v1/transcriptions/{id}"))!;
            Assert.Equal("FAILED", (string?)record["status"]);
            Assert.NotEqual("SERVER_RESTARTED", (string?)record["error_code"]); // the stop saved it, not the restart
            Assert.Equal(finals, (string?)record["transcript_text"]);
            var kept = Speech.Mp3Duration(await http.GetByteArrayAsync($"api/v1/transcriptions/{id}/audio"), out _);
            Assert.InRange(kept, audio.Length / 16000.0 - 0.5, audio.Length / 16000.0 + 0.2);
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // nothing was started
        }

        return Task.CompletedTask;
    }

    /// <summary>Runs a dictation on a new Seva over <see cref="_data"/> and kills it with -9 once every word
    /// is transcribed; returns the record's id, its finals and the seconds of audio sent.</summary>
    private async Task<(string Id, string Finals, double Sent)> KillMidDictationAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var audio = Dictation();
        await using var seva = await PublishedSeva.StartAsync(settings, _data);
        await using var client = await DictationClient.ConnectAsync(StreamUri(seva), Key);
        var id = (string)(await client.StartAsync())["job_id"]!;
        await client.StreamAsync(audio, 16000);
        await WaitForFinalsAsync(client, 3);
        var finals = client.FinalText;

        // A final goes to the client as its save is queued: the kill comes once the record has it, so what is
        // checked is what the restart does with a saved record, not that millisecond's race.
        using (var http = Http(seva))
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            while ((string?)JsonNode.Parse(await http.GetStringAsync($"api/v1/transcriptions/{id}"))!["transcript_text"] != finals && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }

        await seva.KillHardAsync();
        return (id, finals, audio.Length / 16000.0);
    }

    /// <summary>The killed session's record as the restart left it: FAILED by the restart with its finals, and
    /// its audio playable, lacking at most a second of what was sent. Returns its audio key.</summary>
    private static async Task<string> AssertFailedByTheRestartAsync(HttpClient http, string id, string finals, double sent)
    {
        var record = JsonNode.Parse(await http.GetStringAsync($"api/v1/transcriptions/{id}"))!;
        Assert.Equal("FAILED", (string?)record["status"]);
        Assert.Equal("SERVER_RESTARTED", (string?)record["error_code"]);
        Assert.Equal(finals, (string?)record["transcript_text"]);
        var audioKey = (string?)record["audio_key"];
        Assert.NotNull(audioKey);

        using var response = await http.GetAsync($"api/v1/transcriptions/{id}/audio");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("audio/mpeg", response.Content.Headers.ContentType?.MediaType);
        var kept = Speech.Mp3Duration(await response.Content.ReadAsByteArrayAsync(), out var rate);
        Assert.Equal(16000, rate);
        Assert.InRange(kept, sent - 1.0, sent + 0.2);
        return audioKey;
    }

    private static async Task WaitForFinalsAsync(DictationClient client, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (client.Finals.Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{client.Finals.Count} finals of {count}: {client.FinalText}");
            }

            await Task.Delay(50);
        }
    }

    private static Uri StreamUri(PublishedSeva seva) =>
        new UriBuilder(new Uri(seva.BaseAddress, "api/v1/dictation/stream")) { Scheme = "ws" }.Uri;

    private static HttpClient Http(PublishedSeva seva)
    {
        var http = new HttpClient { BaseAddress = seva.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return http;
    }
}
