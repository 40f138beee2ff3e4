using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Seva.Web.Tests.Dapr.Support;
using Seva.Actors.Tests.Support;
using Seva.Web.Tests.Support;

namespace Seva.Web.Tests.Dapr;

/// <summary>Seva split the way Dapr runs it: a web host (sockets) and an actor host (sessions, engine), two
/// separate apps that meet only through a sidecar. The sidecar is the double: every actor call, state
/// write, timer and event crosses the HTTP shapes daprd uses.</summary>
public sealed class DaprDictationEndToEndTests : IAsyncLifetime
{
    private DaprCluster _cluster = null!;

    private SevaServer Web => _cluster.Web;

    private DaprSidecarDouble Sidecar => _cluster.Sidecar;

    public async Task InitializeAsync() => _cluster = await DaprCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task ADictationOverTheWebHostsSocket_RunsOnTheActorHost_ThroughTheSidecarOnly_FromStartToComplete()
    {
        var audio = Speech.Concat(Speech.Say("she has a history of diabetes and high blood pressure"), Speech.Silence(1.5, 16000));

        await using var client = await DictationClient.ConnectAsync(Web.StreamUri(), SevaServer.AliceKey);
        var ack = await client.StartAsync();
        Assert.Equal("session_ack", (string?)ack["type"]);
        var sessionId = (string)ack["session_id"]!;
        using (var browser = new HttpClient { BaseAddress = Web.BaseAddress })
        {
            // The web host runs no session itself; its home page counts those of every host.
            Assert.Contains("Open dictations on all hosts: 1.", await browser.GetStringAsync("/"), StringComparison.Ordinal);
        }

        await client.StreamAsync(audio, 16000);
        await client.EndAsync();
        var complete = await client.WaitForTypeAsync("session_complete", TimeSpan.FromSeconds(60));

        // What the client saw: partials replaced in place, then the final with the words, then the end.
        Assert.Contains(client.OfType("transcription_result"), m => (bool)m["is_partial"]!);
        Assert.Contains("diabetes", client.FinalText, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(sessionId, (string?)complete["session_id"]);

        // How it got there: the session ran as DictationActor on the actor host, called only by the sidecar.
        // (session_complete goes out inside the EndAsync call, so the call's answer, and the state it saves,
        // may come a moment later.)
        await Poll.UntilAsync(() => Sidecar.ActorCalls.Any(c => c.ActorId == sessionId && c.Method == "EndAsync"));
        var calls = Sidecar.ActorCalls.Where(c => c.ActorType == "DictationActor" && c.ActorId == sessionId).ToList();
        Assert.Equal("StartAsync", calls[0].Method);
        Assert.Contains(calls, c => c.Method == "AcceptAudioAsync");
        Assert.Contains(calls, c => c.Method == "EndAsync");
        Assert.All(calls, c => Assert.Equal(200, c.StatusCode));
        Assert.Contains("DictationActor", Sidecar.App("seva-actors").Config.Entities);
        Assert.DoesNotContain("DictationActor", Sidecar.App("seva-web-1").Config.Entities);

        // Its results came back to the web host over pub/sub, on that host's own topic, as CloudEvents.
        var delivered = Sidecar.Deliveries.Where(d => d.AppId == "seva-web-1").ToList();
        Assert.NotEmpty(delivered);
        Assert.All(delivered, d => Assert.Equal("seva-web-web-1", d.Topic));
        Assert.Contains(delivered, d => d.CloudEvent["data"]?["dictation"]?["event"]?["completed"] is not null);

        // The actor's state in the store says how it ended; the timer it ran is gone.
        var state = JsonNode.Parse(Sidecar.StateOf("DictationActor", sessionId, "session")!)!;
        Assert.Equal("Ended", (string?)state["status"]);
        Assert.Equal((string?)complete["transcription_id"], (string?)state["completed"]?["transcriptionId"]);
        Assert.DoesNotContain(Sidecar.Timers, t => t.ActorId == sessionId);

        // And the record is in history, as for any dictation.
        using var api = Web.ApiClient(SevaServer.AliceKey);
        var record = (await api.GetFromJsonAsync<JsonObject>($"/api/v1/transcriptions/{complete["transcription_id"]}"))!;
        Assert.Equal("COMPLETED", (string?)record["status"]);
        Assert.Contains("diabetes", (string?)record["transcript_text"], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AConnectionThatDropped_ResumesTheSessionThroughAnotherWebHost_OneRecordWithAllTheWords()
    {
        var web2 = await _cluster.AddHostAsync("seva-web-2", "Web", "web-2");
        var first = Speech.Concat(Speech.Say("the patient has a headache"), Speech.Silence(1.2, 16000));
        var second = Speech.Concat(Speech.Say("she has a history of diabetes"), Speech.Silence(1.5, 16000));
        var sessionId = Guid.NewGuid().ToString();

        var before = await DictationClient.ConnectAsync(Web.StreamUri(), SevaServer.AliceKey);
        await before.StartAsync(sessionId: sessionId);
        await before.StreamAsync(first, 16000);
        await before.WaitForAsync(m => (string?)m["type"] == "audio_ack" && (long)m["received_bytes"]! == first.Length * 2, TimeSpan.FromSeconds(15));
        before.Abort(); // the network drops; the client comes back through the other web host
        await before.DisposeAsync();

        await using var after = await DictationClient.ConnectAsync(web2.StreamUri(), SevaServer.AliceKey);
        var resumed = await after.StartAsync(sessionId: sessionId);
        Assert.True((bool)resumed["resumed"]!);
        Assert.Equal(first.Length * 2, (long)resumed["received_bytes"]!);
        await after.StreamAsync(second, 16000);
        await after.EndAsync();
        var complete = await after.WaitForTypeAsync("session_complete", TimeSpan.FromSeconds(60));

        Assert.Contains("diabetes", after.FinalText, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(Sidecar.Deliveries, d => d.AppId == "seva-web-2" && d.Topic == "seva-web-web-2");
        using var api = web2.ApiClient(SevaServer.AliceKey);
        var record = (await api.GetFromJsonAsync<JsonObject>($"/api/v1/transcriptions/{complete["transcription_id"]}"))!;
        Assert.Equal("COMPLETED", (string?)record["status"]);
        Assert.Contains("headache", (string?)record["transcript_text"], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("diabetes", (string?)record["transcript_text"], StringComparison.OrdinalIgnoreCase);
        Assert.Equal((first.Length + second.Length) / 16000.0, (double)record["audio_duration_seconds"]!, 2);
    }

    [Fact]
    public async Task ASessionWhoseActorHostIsDrained_GoesOnOnAnotherActorHost_AndTheClientNeverNotices()
    {
        var first = Speech.Concat(Speech.Say("the patient has a headache"), Speech.Silence(1.2, 16000));
        var second = Speech.Concat(Speech.Say("she has a history of diabetes"), Speech.Silence(1.5, 16000));
        await using var client = await DictationClient.ConnectAsync(Web.StreamUri(), SevaServer.AliceKey);
        var sessionId = (string)(await client.StartAsync())["session_id"]!;
        await client.StreamAsync(first, 16000);
        await client.WaitForAsync(m => (string?)m["type"] == "audio_ack" && (long)m["received_bytes"]! == first.Length * 2, TimeSpan.FromSeconds(15));

        // A second actor host joins; the first is drained: Dapr deactivates its actors and places them anew.
        await _cluster.AddHostAsync("seva-actors-2", "Actors", "actors-2");
        await Sidecar.RemoveAppAsync("seva-actors");
        await client.StreamAsync(second, 16000);
        await client.EndAsync();
        var complete = await client.WaitForTypeAsync("session_complete", TimeSpan.FromSeconds(60));

        Assert.Empty(client.OfType("error"));
        Assert.Contains("headache", client.FinalText, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("diabetes", client.FinalText, StringComparison.OrdinalIgnoreCase); // heard from the second host
        var state = JsonNode.Parse(Sidecar.StateOf("DictationActor", sessionId, "session")!)!;
        Assert.Equal(1, (int)state["epoch"]!);
        using var api = Web.ApiClient(SevaServer.AliceKey);
        var record = (await api.GetFromJsonAsync<JsonObject>($"/api/v1/transcriptions/{complete["transcription_id"]}"))!;
        Assert.Equal("COMPLETED", (string?)record["status"]);
        Assert.Contains("headache", (string?)record["transcript_text"], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("diabetes", (string?)record["transcript_text"], StringComparison.OrdinalIgnoreCase);
        Assert.Equal((first.Length + second.Length) / 16000.0, (double)record["audio_duration_seconds"]!, 2);
        using var mp3 = await api.GetAsync(new Uri($"/api/v1/transcriptions/{complete["transcription_id"]}/audio", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.OK, mp3.StatusCode);
    }

    [Fact]
    public async Task ABadFrame_GetsItsError_AndTheDaprSessionGoesOn()
    {
        await using var client = await DictationClient.ConnectAsync(Web.StreamUri(), SevaServer.AliceKey);
        await client.StartAsync();
        await client.SendBinaryAsync([0x7F, 1, 2, 3]); // not an audio frame
        var error = await client.WaitForErrorAsync("INVALID_AUDIO_FORMAT");
        Assert.True((bool)error["recoverable"]!);

        await client.StreamAsync(Speech.Concat(Speech.Say("no fever"), Speech.Silence(1.2, 16000)), 16000);
        await client.EndAsync();
        var complete = await client.WaitForTypeAsync("session_complete", TimeSpan.FromSeconds(60));
        Assert.True((double)complete["total_duration"]! > 1.0);
    }

    private Uri BroadcastUri(string? query = null) =>
        new UriBuilder(Web.BaseAddress) { Scheme = "ws", Path = "/api/v1/broadcast/ws", Query = query ?? string.Empty }.Uri;

    [Fact]
    public async Task ABroadcastOverTheWebHost_RunsOnTheActorHost_AndAListenerGetsItsCaptionsThroughPubSub()
    {
        await using var speaker = await BroadcastApiTests.Peer.ConnectAsync(BroadcastUri(), SevaServer.AliceKey);
        await speaker.SendAsync(new { action = "createSession", sourceLanguage = "en" });
        var broadcastId = (string)(await speaker.WaitForAsync(m => (string?)m["type"] == "sessionCreated", 30))["sessionId"]!;
        await using var listener = await BroadcastApiTests.Peer.ConnectAsync(BroadcastUri($"sessionId={broadcastId}&targetLanguage=es"));
        await listener.WaitForAsync(m => (string?)m["type"] == "sessionJoined", 30);

        await speaker.StreamAsync(Speech.Concat(Speech.Say("the patient has a headache"), Speech.Silence(1.5, 16000)));
        var caption = await listener.WaitForAsync(m => (string?)m["type"] == "caption" && !(bool)m["isPartial"]!, 60);
        Assert.Contains("cabeza", (string?)caption["text"], StringComparison.OrdinalIgnoreCase);

        var calls = Sidecar.ActorCalls.Where(c => c.ActorType == "BroadcastActor" && c.ActorId == broadcastId).Select(c => c.Method).ToList();
        Assert.Contains("StartAsync", calls);
        Assert.Contains("JoinAsync", calls);
        var state = JsonNode.Parse(Sidecar.StateOf("BroadcastActor", broadcastId, "broadcast")!)!;
        Assert.Single(state["listeners"]!.AsArray());
    }
}
