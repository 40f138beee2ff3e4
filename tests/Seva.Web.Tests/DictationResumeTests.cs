using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Seva.Actors.Audio;
using Seva.Web.Tests.Support;

namespace Seva.Web.Tests;

/// <summary>A dictation whose connection drops is resumed by a new connection with the same session_id:
/// one record, one MP3, no gap and no duplicate.</summary>
public sealed class DictationResumeTests() : ServerTest(new Dictionary<string, string?> { ["Seva:Dictation:ResumeWindow"] = "00:00:20" })
{
    private static readonly short[] FirstSentence = Speech.Concat(Speech.Say("the patient has a headache"), Speech.Silence(1, 16000));
    private static readonly short[] SecondSentence = Speech.Concat(Speech.Say("she has a history of diabetes and high blood pressure"), Speech.Silence(1, 16000));

    [Fact]
    public async Task DroppedConnection_ResumedWithTheSameSessionId_KeepsOneRecordWithAllTheWordsAndAudio()
    {
        var sessionId = Guid.NewGuid().ToString();
        var audio = Speech.Concat(FirstSentence, SecondSentence);
        var cut = FirstSentence.Length + (SecondSentence.Length / 3); // mid-sentence, as a network drop falls

        var first = await DictationClient.ConnectAsync(Server);
        var ack = await first.StartAsync(sessionId: sessionId);
        Assert.False((bool)ack["resumed"]!);
        Assert.Equal(0, (long)ack["received_bytes"]!);
        await first.StreamAsync(audio[..cut], 16000, realTime: false);
        var held = await first.WaitForAsync(m => (string?)m["type"] == "audio_ack" && (long)m["received_bytes"]! == cut * 2, TimeSpan.FromSeconds(10));
        Assert.True((double)held["timestamp"]! > 1_700_000_000);
        first.Abort();
        await first.DisposeAsync();
        await Task.Delay(2000); // the network is down for a while

        await using var second = await DictationClient.ConnectAsync(Server);
        var resumed = await second.StartAsync(sessionId: sessionId);
        Assert.Equal("session_ack", (string?)resumed["type"]);
        Assert.True((bool)resumed["resumed"]!);
        var receivedBytes = (long)resumed["received_bytes"]!;
        Assert.Equal(cut * 2, receivedBytes);
        await second.StreamAsync(audio[(int)(receivedBytes / 2)..], 16000, realTime: false);
        await second.EndAsync();
        var complete = await second.WaitForTypeAsync("session_complete");

        Assert.Equal(ack["job_id"]!.ToString(), complete["transcription_id"]!.ToString());
        using var api = Server.ApiClient(SevaServer.AliceKey);
        var records = await api.GetFromJsonAsync<JsonObject>("/api/v1/transcriptions");
        Assert.Single(records!["items"]!.AsArray());
        var record = (await api.GetFromJsonAsync<JsonObject>($"/api/v1/transcriptions/{complete["transcription_id"]}"))!;
        Assert.Equal("COMPLETED", (string?)record["status"]);
        var text = (string)record["transcript_text"]!;
        Assert.Contains("headache", text, StringComparison.Ordinal);
        Assert.Contains("diabetes", text, StringComparison.Ordinal);
        Assert.Contains("blood pressure", text, StringComparison.Ordinal);
        var mp3 = await api.GetByteArrayAsync($"/api/v1/transcriptions/{complete["transcription_id"]}/audio");
        var seconds = audio.Length / 16000.0;
        Assert.InRange(Speech.Mp3Duration(mp3, out _), seconds - 0.2, seconds + 0.2); // no gap, no duplicate
        Assert.Equal(seconds, (double)record["audio_duration_seconds"]!, 2);
    }

    [Fact]
    public async Task ResumingWhileTheOldSocketLooksOpen_TakesTheSessionOver_AndClosesTheOldOne()
    {
        var sessionId = Guid.NewGuid().ToString();
        await using var first = await DictationClient.ConnectAsync(Server);
        await first.StartAsync(sessionId: sessionId);
        await first.StreamAsync(FirstSentence, 16000, realTime: false);
        await first.WaitForAsync(m => (string?)m["type"] == "audio_ack" && (long)m["received_bytes"]! == FirstSentence.Length * 2, TimeSpan.FromSeconds(10));

        await using var second = await DictationClient.ConnectAsync(Server);
        var resumed = await second.StartAsync(sessionId: sessionId);
        Assert.True((bool)resumed["resumed"]!);
        await first.WaitClosedAsync(TimeSpan.FromSeconds(5));

        await second.StreamAsync(SecondSentence, 16000, realTime: false);
        await second.EndAsync();
        var complete = await second.WaitForTypeAsync("session_complete");
        using var api = Server.ApiClient(SevaServer.AliceKey);
        var record = (await api.GetFromJsonAsync<JsonObject>($"/api/v1/transcriptions/{complete["transcription_id"]}"))!;
        Assert.Contains("headache", (string)record["transcript_text"]!, StringComparison.Ordinal);
        Assert.Contains("diabetes", (string)record["transcript_text"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnotherUser_CannotResumeASession_AndTheOwnersSessionGoesOn()
    {
        var sessionId = Guid.NewGuid().ToString();
        await using var alice = await DictationClient.ConnectAsync(Server);
        await alice.StartAsync(sessionId: sessionId);

        await using var bob = await DictationClient.ConnectAsync(Server, SevaServer.BobKey);
        var refused = await bob.StartAsync(sessionId: sessionId);
        Assert.Equal("error", (string?)refused["type"]);
        Assert.Equal("INVALID_SESSION_STATE", (string?)refused["error_code"]);

        await alice.StreamAsync(FirstSentence, 16000, realTime: false);
        await alice.EndAsync();
        var complete = await alice.WaitForTypeAsync("session_complete");
        Assert.Contains("headache", alice.FinalText, StringComparison.Ordinal);
        using var api = Server.ApiClient(SevaServer.AliceKey);
        var record = (await api.GetFromJsonAsync<JsonObject>($"/api/v1/transcriptions/{complete["transcription_id"]}"))!;
        Assert.Equal("COMPLETED", (string?)record["status"]);
    }
}
