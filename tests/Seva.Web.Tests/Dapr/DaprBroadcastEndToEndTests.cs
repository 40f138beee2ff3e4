using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Seva.Web.Tests.Dapr.Support;
using Seva.Actors.Tests.Support;
using Seva.Web.Tests.Support;

namespace Seva.Web.Tests.Dapr;

/// <summary>A broadcast split the way Dapr runs it (a web host with the sockets, an actor host with the
/// broadcast, meeting only through the sidecar double): what happens to it when Dapr deactivates its actor,
/// and to its saved state when it ends.</summary>
public sealed class DaprBroadcastEndToEndTests : IAsyncLifetime
{
    private DaprCluster _cluster = null!;

    private SevaServer Web => _cluster.Web;

    private DaprSidecarDouble Sidecar => _cluster.Sidecar;

    public async Task InitializeAsync() => _cluster = await DaprCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task ABroadcastWhoseActorDaprDeactivated_GoesOnWithTheSpeakersNextAudio_TheListenerKeepingItsSocket()
    {
        var (speaker, broadcastId) = await CreateAsync();
        await using var _ = speaker;
        await using var listener = await BroadcastApiTests.Peer.ConnectAsync(BroadcastUri($"sessionId={broadcastId}&targetLanguage=es"));
        await listener.WaitForAsync(m => (string?)m["type"] == "sessionJoined", 30);
        await speaker.StreamAsync(Speech.Concat(Speech.Say("the patient has a headache"), Speech.Silence(1.5, 16000)));
        await listener.WaitForAsync(m => IsFinal(m) && ((string?)m["text"])!.Contains("cabeza", StringComparison.OrdinalIgnoreCase), 60);

        // Rebalancing: daprd takes the actor away (and refuses its state writes while it goes).
        Assert.Equal(HttpStatusCode.OK, await Sidecar.DeactivateAsync("BroadcastActor", broadcastId));
        await speaker.StreamAsync(Speech.Concat(Speech.Say("she has a history of diabetes"), Speech.Silence(1.5, 16000)));

        await listener.WaitForAsync(m => IsFinal(m) && ((string?)m["text"])!.Contains("diabetes", StringComparison.OrdinalIgnoreCase), 60);
        Assert.DoesNotContain(listener.Messages, m => (string?)m["type"] is "sessionEnded" or "error");
        Assert.DoesNotContain(speaker.Messages, m => (string?)m["type"] is "sessionEnded" or "error");
        var state = JsonNode.Parse(Sidecar.StateOf("BroadcastActor", broadcastId, "broadcast")!)!;
        Assert.Equal("Running", (string?)state["status"]);
        Assert.Equal(1, (int)state["epoch"]!);
        Assert.Single(state["listeners"]!.AsArray());
    }

    [Fact]
    public async Task AnEndedBroadcast_IsSavedEndedWithADaysTtl_AndItsIdIsStillRefusedToANewStart()
    {
        var (speaker, broadcastId) = await CreateAsync();
        await using var _ = speaker;
        // Running, the state is kept past the broadcast's own twelve hours by the same day.
        Assert.InRange(long.Parse(Sidecar.StateTtlOf("BroadcastActor", broadcastId, "broadcast")!, CultureInfo.InvariantCulture), (12 * 3600) + 86400 - 60, (12 * 3600) + 86400);

        await speaker.SendAsync(new { action = "endSession" });
        await speaker.WaitForAsync(m => (string?)m["type"] == "sessionEnded", 30);

        var state = await Poll.UntilAsync(() => Task.FromResult(JsonNode.Parse(Sidecar.StateOf("BroadcastActor", broadcastId, "broadcast")!)!), s => (string?)s["status"] == "Ended");
        Assert.Empty(state["listeners"]!.AsArray());
        Assert.Equal("86400", Sidecar.StateTtlOf("BroadcastActor", broadcastId, "broadcast"));
        var again = await Sidecar.InvokeActorAsync("BroadcastActor", broadcastId, "StartAsync",
            """{"speaker":{"hostId":"web-1","connectionId":"someone-else"},"sourceLanguage":"en","qualityTier":"standard"}""");
        Assert.Equal(200, again.StatusCode);
        Assert.Equal("ID_TAKEN", (string?)JsonNode.Parse(again.Text)!["error"]?["errorCode"]);
    }

    [Fact]
    public async Task WithoutDaprdsActorStateTtl_NoBroadcastStarts_AndTheSpeakerIsToldItsStateCouldNotBeSaved()
    {
        Sidecar.ActorStateTtlEnabled = false;
        await using var speaker = await BroadcastApiTests.Peer.ConnectAsync(BroadcastUri(), SevaServer.AliceKey);

        await speaker.SendAsync(new { action = "createSession", sourceLanguage = "en" });

        var error = await speaker.WaitForAsync(m => (string?)m["type"] == "error", 30);
        Assert.Equal("SERVICE_UNAVAILABLE", (string?)error["errorCode"]);
        Assert.Contains("state could not be saved", (string?)error["message"], StringComparison.Ordinal);
    }

    private static bool IsFinal(JsonObject message) => (string?)message["type"] == "caption" && !(bool)message["isPartial"]!;

    private async Task<(BroadcastApiTests.Peer Speaker, string BroadcastId)> CreateAsync()
    {
        var speaker = await BroadcastApiTests.Peer.ConnectAsync(BroadcastUri(), SevaServer.AliceKey);
        await speaker.SendAsync(new { action = "createSession", sourceLanguage = "en" });
        var created = await speaker.WaitForAsync(m => (string?)m["type"] == "sessionCreated", 30);
        return (speaker, (string)created["sessionId"]!);
    }

    private Uri BroadcastUri(string? query = null) =>
        new UriBuilder(Web.BaseAddress) { Scheme = "ws", Path = "/api/v1/broadcast/ws", Query = query ?? string.Empty }.Uri;
}
