using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Seva.Actors.Audio;
using Seva.Web.Tests.Support;

namespace Seva.Web.Tests;

/// <summary>Each protocol error over the real WebSocket: a clear error, and the session goes on where it can.</summary>
public sealed class DictationErrorTests() : ServerTest(new Dictionary<string, string?>
{
    ["Seva:Dictation:HeartbeatInterval"] = "00:00:01",
    ["Seva:Dictation:ResumeWindow"] = "00:00:01",
})
{
    private const string Sentence = "she has a history of diabetes and high blood pressure";
    [Fact]
    public async Task BadAudioFrames_EachGetInvalidAudioFormat_AndTheSessionGoesOn()
    {
        await using var client = await DictationClient.ConnectAsync(Server);
        await client.StartAsync();

        await client.SendBinaryAsync([0x02, 0, 0]);
        var wrongType = await client.WaitForErrorAsync("INVALID_AUDIO_FORMAT");
        await client.SendBinaryAsync([0x01, 0, 0, 0]);
        await client.WaitForAsync(m => client.OfType("error").Count >= 2, TimeSpan.FromSeconds(5));
        var oversized = new byte[AudioFrame.MaxFrameBytes + 2];
        oversized[0] = 0x01;
        await client.SendBinaryAsync(oversized);
        await client.WaitForAsync(m => client.OfType("error").Count >= 3, TimeSpan.FromSeconds(5));

        var errors = client.OfType("error");
        Assert.All(errors, e => Assert.Equal("INVALID_AUDIO_FORMAT", (string?)e["error_code"]));
        Assert.All(errors, e => Assert.True((bool)e["recoverable"]!));
        Assert.Contains("0x02", (string?)wrongType["message"], StringComparison.Ordinal);
        Assert.Contains("odd", (string?)errors[1]["message"], StringComparison.Ordinal);
        Assert.Contains("limit", (string?)errors[2]["message"], StringComparison.Ordinal);
        Assert.NotNull((string?)errors[0]["context"]!["session_id"]);

        // the session still transcribes
        await client.StreamAsync(Speech.Concat(Speech.Say(Sentence), Speech.Silence(1, 16000)), 16000);
        await client.EndAsync();
        var complete = await client.WaitForTypeAsync("session_complete");
        Assert.Contains("diabetes", client.FinalText, StringComparison.Ordinal);
        Assert.True((int)complete["word_count"]! > 5);
    }

    [Fact]
    public async Task AudioBeforeStartOrAfterEnd_GetsInvalidSessionState()
    {
        await using var client = await DictationClient.ConnectAsync(Server);
        await client.SendBinaryAsync(AudioFrame.Build(new short[400]));
        var before = await client.WaitForErrorAsync("INVALID_SESSION_STATE");
        Assert.Contains("session_start", (string?)before["message"], StringComparison.Ordinal);

        await client.StartAsync();
        await client.SendBinaryAsync(AudioFrame.Build(new short[4000]));
        await client.EndAsync();
        await client.SendBinaryAsync(AudioFrame.Build(new short[400]));
        await client.WaitForAsync(m => client.OfType("error").Count(e => (string?)e["error_code"] == "INVALID_SESSION_STATE") >= 2, TimeSpan.FromSeconds(10));
        await client.WaitForTypeAsync("session_complete");
    }

    [Theory]
    [InlineData("{not json", "message")]
    [InlineData("[1,2]", "message")]
    [InlineData("{\"type\":\"dance\"}", "type")]
    [InlineData("{\"type\":\"session_start\",\"quality\":\"ultra\"}", "quality")]
    [InlineData("{\"type\":\"session_start\",\"quality\":5}", "quality")]
    [InlineData("{\"type\":\"session_start\",\"session_id\":\"not-a-uuid\"}", "session_id")]
    [InlineData("{\"type\":\"session_start\",\"language\":\"fr-FR\"}", "language")]
    [InlineData("{\"type\":\"session_start\",\"vocabulary\":[\"heart\",\"zzqxv\"]}", "vocabulary[1]")]
    [InlineData("{\"type\":\"session_start\",\"vocabulary\":\"heart\"}", "vocabulary")]
    public async Task MalformedMessage_GetsAnErrorNamingTheField_AndTheSocketStaysUsable(string text, string field)
    {
        await using var client = await DictationClient.ConnectAsync(Server);
        await client.SendTextAsync(text);
        var error = await client.WaitForErrorAsync("INVALID_MESSAGE");
        Assert.StartsWith(field + ":", (string?)error["message"], StringComparison.Ordinal);
        Assert.True((bool)error["recoverable"]!);

        var ack = await client.StartAsync();
        Assert.Equal("session_ack", (string?)ack["type"]);
    }

    [Fact]
    public async Task SessionStart_WithCustomWords_IsAcknowledged()
    {
        await using var client = await DictationClient.ConnectAsync(Server);
        var ack = await client.StartAsync(vocabulary: ["diabetes", "metoprolol:M EH T AH P R AW L AA L"]);
        Assert.Equal("session_ack", (string?)ack["type"]);
    }

    [Fact]
    public async Task Heartbeat_IsSentOnItsInterval()
    {
        await using var client = await DictationClient.ConnectAsync(Server);
        var heartbeat = await client.WaitForTypeAsync("heartbeat", TimeSpan.FromSeconds(5));
        Assert.True((double)heartbeat["timestamp"]! > 1_700_000_000);
    }

    [Fact]
    public async Task ClientDisconnectsMidSession_AndDoesNotResumeWithinTheWindow_EverythingReceivedIsKept_RecordFailed()
    {
        var client = await DictationClient.ConnectAsync(Server);
        await client.StartAsync();
        await client.StreamAsync(Speech.Concat(Speech.Say(Sentence), Speech.Silence(1, 16000)), 16000);
        await client.WaitForAsync(m => client.Finals.Count > 0, TimeSpan.FromSeconds(10));
        client.Abort();
        await client.DisposeAsync();

        using var api = Server.ApiClient(SevaServer.AliceKey);
        JsonObject? record = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            var page = await api.GetFromJsonAsync<JsonObject>("/api/v1/transcriptions");
            record = page!["items"]!.AsArray().Select(i => i!.AsObject()).FirstOrDefault(r => (string?)r["status"] != "IN_PROGRESS");
            if (record is not null)
            {
                break;
            }
        }

        Assert.NotNull(record);
        Assert.Equal("FAILED", (string?)record["status"]);
        Assert.Equal("WEBSOCKET_CONNECTION_FAILED", (string?)record["error_code"]);
        Assert.Contains("diabetes", (string?)record["transcript_text"], StringComparison.Ordinal);
        var mp3 = await api.GetByteArrayAsync($"/api/v1/transcriptions/{record["id"]}/audio");
        Assert.InRange(Speech.Mp3Duration(mp3, out _), 3.0, 6.0);
    }
}

/// <summary>Limits that need their own server settings.</summary>
public sealed class DictationLimitTests
{
    [Fact]
    public async Task SessionOverTheLimit_GetsSessionLimitExceededWithRetryAfter()
    {
        await using var server = new SevaServer(new Dictionary<string, string?> { ["Seva:Dictation:MaxConcurrentSessions"] = "1" });
        await using var first = await DictationClient.ConnectAsync(server);
        Assert.Equal("session_ack", (string?)(await first.StartAsync())["type"]);

        await using var second = await DictationClient.ConnectAsync(server);
        var refused = await second.StartAsync();
        Assert.Equal("SESSION_LIMIT_EXCEEDED", (string?)refused["error_code"]);
        Assert.Equal("Server is at capacity. Please try again in a few minutes.", (string?)refused["message"]);
        Assert.Equal(30, (int)refused["retry_after"]!);
        await second.WaitClosedAsync(TimeSpan.FromSeconds(5));

        // the first session is unaffected, and its slot frees when it ends
        await first.EndAsync();
        await first.WaitForTypeAsync("session_complete");
        await using var third = await DictationClient.ConnectAsync(server);
        Assert.Equal("session_ack", (string?)(await third.StartAsync())["type"]);
    }

    [Fact]
    public async Task NoAudioForTheIdleTimeout_SessionTimeout_AndTheSessionIsFinalised()
    {
        await using var server = new SevaServer(new Dictionary<string, string?> { ["Seva:Dictation:IdleTimeout"] = "00:00:02" });
        await using var client = await DictationClient.ConnectAsync(server);
        await client.StartAsync();
        await client.StreamAsync(Speech.Silence(0.5, 16000), 16000);

        var error = await client.WaitForErrorAsync("SESSION_TIMEOUT", TimeSpan.FromSeconds(10));
        Assert.False((bool)error["recoverable"]!);
        var complete = await client.WaitForTypeAsync("session_complete");
        await client.WaitClosedAsync(TimeSpan.FromSeconds(5));

        using var api = server.ApiClient(SevaServer.AliceKey);
        var record = (await api.GetFromJsonAsync<JsonObject>($"/api/v1/transcriptions/{complete["transcription_id"]}"))!;
        Assert.Equal("COMPLETED", (string?)record["status"]);
        Assert.Equal("SESSION_TIMEOUT", (string?)record["error_code"]);
        Assert.Equal(0.5, (double)record["audio_duration_seconds"]!, 2);
    }

    [Fact]
    public async Task RecordingOverTheMaximum_BufferOverflow_RecordingSoFarIsKept()
    {
        await using var server = new SevaServer(new Dictionary<string, string?> { ["Seva:Dictation:MaxRecording"] = "00:00:03" });
        await using var client = await DictationClient.ConnectAsync(server);
        await client.StartAsync();
        var audio = Speech.Concat(Speech.Say("she has a history of diabetes and high blood pressure"), Speech.Silence(2, 16000));
        await client.StreamAsync(audio, 16000, realTime: false);

        var error = await client.WaitForErrorAsync("BUFFER_OVERFLOW");
        Assert.Equal("Maximum recording duration reached (0.1 minutes).", (string?)error["message"]);
        var complete = await client.WaitForTypeAsync("session_complete");
        Assert.Equal(3.0, (double)complete["total_duration"]!, 3);

        using var api = server.ApiClient(SevaServer.AliceKey);
        var mp3 = await api.GetByteArrayAsync($"/api/v1/transcriptions/{complete["transcription_id"]}/audio");
        Assert.InRange(Speech.Mp3Duration(mp3, out _), 2.8, 3.2);
        var record = (await api.GetFromJsonAsync<JsonObject>($"/api/v1/transcriptions/{complete["transcription_id"]}"))!;
        Assert.Equal("BUFFER_OVERFLOW", (string?)record["error_code"]);
        Assert.False(string.IsNullOrEmpty((string?)record["transcript_text"]));
    }
}
