using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Seva.Actors.Tests.Support;
using Seva.Web.Tests.Support;

namespace Seva.Web.Tests;

/// <summary>Seva's instruments are process-wide (as .NET meters are), so tests that read gauges run
/// alone: other tests' sessions would move them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "metrics";
}

/// <summary>What an operator sees: health, Prometheus metrics, logs per session.</summary>
[Collection(MetricsCollection.Name)]
public sealed partial class OperationsTests : ServerTest
{
    [Fact]
    public async Task HealthReady_NamesTheDatabaseAudioStoreSpeechModelSpeechBreakerAndTranslation_AllHealthy()
    {
        using var http = new HttpClient { BaseAddress = Server.BaseAddress };
        // Ready once the first decoder has loaded.
        var body = await Poll.UntilAsync(
            async () =>
            {
                using var response = await http.GetAsync("/health/ready");
                return response.StatusCode == HttpStatusCode.OK ? JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject() : null;
            },
            b => b is not null,
            TimeSpan.FromSeconds(60));

        Assert.Equal("Healthy", (string?)body!["status"]);
        var checks = body["checks"]!.AsObject();
        Assert.Equal(["audio_store", "database", "speech_breaker", "speech_model", "translation"], checks.Select(c => c.Key).Order());
        Assert.All(checks, c => Assert.Equal("Healthy", (string?)c.Value!["status"]));
        Assert.Contains("es", checks["translation"]!["data"]!.AsObject().Select(d => d.Key));

        using var live = await http.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var liveChecks = JsonNode.Parse(await live.Content.ReadAsStringAsync())!["checks"]!.AsObject();
        Assert.Equal(["self"], liveChecks.Select(c => c.Key));
    }

    [Fact]
    public async Task Metrics_MoveDuringADictation_InPrometheusText()
    {
        using var http = new HttpClient { BaseAddress = Server.BaseAddress };
        var before = await ScrapeAsync(http);
        var rate = 16000;
        var audio = Speech.Concat(Speech.Say("the patient is stable", rate), Speech.Silence(1.0, rate));

        await using (var client = await DictationClient.ConnectAsync(Server))
        {
            var ack = await client.StartAsync();
            await client.SendBinaryAsync([0x02, 0x00, 0x00]); // wrong frame type: INVALID_AUDIO_FORMAT
            await client.WaitForErrorAsync("INVALID_AUDIO_FORMAT");
            var during = await ScrapeAsync(http);
            Assert.True(Value(during, "seva_dictation_sessions_active") >= 1, "an active dictation is counted");
            await client.StreamAsync(audio, rate, realTime: false);
            await client.EndAsync((string)ack["session_id"]!);
            await client.WaitForTypeAsync("session_complete");
        }

        var seconds = audio.Length / (double)rate;
        var after = await Poll.UntilAsync(
            () => ScrapeAsync(http),
            text => Value(text, "seva_audio_received_seconds_total") - Value(before, "seva_audio_received_seconds_total") >= seconds - 0.01,
            TimeSpan.FromSeconds(10));
        Assert.True(Value(after, "seva_final_latency_seconds_count") > Value(before, "seva_final_latency_seconds_count"), "a final latency was recorded");
        Assert.True(Value(after, "seva_ingest_delay_seconds_count") > Value(before, "seva_ingest_delay_seconds_count"), "ingest delays were recorded");
        Assert.True(Value(after, "seva_decode_queue_delay_seconds_count") > Value(before, "seva_decode_queue_delay_seconds_count"), "decode queue delays were recorded");
        const string badFrame = "seva_errors_total*error_code=\"INVALID_AUDIO_FORMAT\"";
        Assert.True(Value(after, badFrame) > Value(before, badFrame), "the error is counted by its code");
        Assert.True(Value(after, "seva_decoders_loaded") >= 1, "loaded decoders are counted");
        Assert.Contains("# TYPE seva_final_latency_seconds histogram", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BroadcastMetrics_CountBroadcastsListenersByLanguage_AndRateLimitedControls()
    {
        using var http = new HttpClient { BaseAddress = Server.BaseAddress };
        var before = await ScrapeAsync(http);
        const string italian = "seva_broadcast_listeners*language=\"it\"";
        const string controls = "seva_broadcast_rate_limited_total*kind=\"control\"";
        var ws = new UriBuilder(Server.BaseAddress) { Scheme = "ws", Path = "/api/v1/broadcast/ws" };
        await using (var speaker = await BroadcastApiTests.Peer.ConnectAsync(ws.Uri, SevaServer.AliceKey))
        {
            await speaker.SendAsync(new { action = "createSession", sourceLanguage = "en" });
            var sessionId = (string)(await speaker.WaitForAsync(m => (string?)m["type"] == "sessionCreated"))["sessionId"]!;
            ws.Query = $"sessionId={sessionId}&targetLanguage=it";
            await using (var listener = await BroadcastApiTests.Peer.ConnectAsync(ws.Uri))
            {
                await listener.WaitForAsync(m => (string?)m["type"] == "sessionJoined");
                var joined = await Poll.UntilAsync(() => ScrapeAsync(http), s => Value(s, italian) > Value(before, italian), TimeSpan.FromSeconds(10));
                Assert.Equal(Value(before, italian) + 1, Value(joined, italian));
                Assert.Equal(Value(before, "seva_broadcast_sessions_active") + 1, Value(joined, "seva_broadcast_sessions_active"));
            }

            // a burst of controls beyond the per-second limit: the refused ones are counted
            for (var i = 0; i < 20; i++)
            {
                await speaker.SendAsync(new { action = "setVolume", volumeLevel = 0.5 });
            }

            await speaker.WaitForAsync(m => (string?)m["type"] == "error" && (int?)m["code"] == 429);
            await Poll.UntilAsync(() => ScrapeAsync(http), s => Value(s, italian) == Value(before, italian), TimeSpan.FromSeconds(10));
        } // the speaker leaves: the broadcast ends

        var after = await Poll.UntilAsync(
            () => ScrapeAsync(http),
            s => Value(s, "seva_broadcast_sessions_active") == Value(before, "seva_broadcast_sessions_active"),
            TimeSpan.FromSeconds(10));
        Assert.True(Value(after, controls) > Value(before, controls), "refused controls are counted");
    }

    [Fact]
    public async Task EveryLogLineOfASession_CarriesItsSessionId_AndNoTranscriptText()
    {
        var logs = new CapturingLoggerProvider();
        const string words = "diabetes and high blood pressure";
        await using var server = new SevaServer(
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Debug" },
            services => services.AddSingleton<ILoggerProvider>(logs));
        string sessionId;
        string heard;
        await using (var client = await DictationClient.ConnectAsync(server))
        {
            var ack = await client.StartAsync();
            sessionId = (string)ack["session_id"]!;
            await client.StreamAsync(Speech.Concat(Speech.Say(words), Speech.Silence(1.0, 16000)), 16000, realTime: false);
            await client.EndAsync(sessionId);
            await client.WaitForTypeAsync("session_complete");
            heard = client.FinalText;
        }

        var sessionLines = logs.Entries.Where(l => l.Category.StartsWith("Seva.Actors.Dictation", StringComparison.Ordinal)).ToList();
        Assert.Contains(sessionLines, l => l.Message.Contains("started", StringComparison.Ordinal));
        Assert.Contains(sessionLines, l => l.Message.Contains("finished", StringComparison.Ordinal));
        Assert.All(sessionLines, l => Assert.Equal(sessionId, l.Scope.GetValueOrDefault("SessionId")));
        Assert.False(string.IsNullOrWhiteSpace(heard));
        Assert.DoesNotContain(logs.Entries, l => l.Message.Contains(heard, StringComparison.OrdinalIgnoreCase));
    }

    private static async Task<string> ScrapeAsync(HttpClient http)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", SevaServer.MetricsKey);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The sum of a metric's samples; a '*' in <paramref name="pattern"/> stands for any labels before the rest.</summary>
    private static double Value(string scrape, string pattern)
    {
        var parts = pattern.Split('*', 2);
        var name = parts[0];
        var labels = parts.Length > 1 ? parts[1] : null;
        return scrape.Split('\n')
            .Where(l => !l.StartsWith('#') && (l.StartsWith(name + " ", StringComparison.Ordinal) || l.StartsWith(name + "{", StringComparison.Ordinal)))
            .Where(l => labels is null || l.Contains(labels, StringComparison.Ordinal))
            .Sum(l => double.Parse(SampleValue().Match(l).Groups[1].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"\s(\S+)\s*$")]
    private static partial Regex SampleValue();
}

/// <summary>Readiness reports each failing dependency, with 503.</summary>
public sealed class ReadinessFailureTests
{
    [Fact]
    public async Task HealthReady_Is503_NamingTheAudioStore_WhenAudioCannotBeWritten()
    {
        await using var server = new SevaServer();
        // A file where the audio folder should be: nothing can be written under it.
        Directory.CreateDirectory(server.DataDirectory);
        await File.WriteAllTextAsync(Path.Combine(server.DataDirectory, "audio"), "not a folder");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await http.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Unhealthy", (string?)body["status"]);
        Assert.Equal("Unhealthy", (string?)body["checks"]!["audio_store"]!["status"]);
        Assert.Contains("not writable", (string?)body["checks"]!["audio_store"]!["description"], StringComparison.Ordinal);
        Assert.Equal("Healthy", (string?)body["checks"]!["database"]!["status"]);
    }
}
