using System.Net;
using System.Text.Json.Nodes;
using Seva.Web.Tests.Support;

namespace Seva.Web.Tests.Dapr;

/// <summary>Seva in Dapr mode with no sidecar at all: it starts, serves what a sidecar asks first, and
/// says that it waits for one.</summary>
public sealed class DaprHostModeTests
{
    private static Dictionary<string, string?> DaprMode(string roles) => new()
    {
        ["Seva:Hosting:Mode"] = "Dapr",
        ["Seva:Hosting:Dapr:AllowWithoutAppToken"] = "true", // the test's sidecar double sends no token
        ["Seva:Hosting:Roles"] = roles,
        ["Seva:Hosting:Dapr:HttpEndpoint"] = "http://127.0.0.1:9", // nothing answers there
    };

    [Fact]
    public async Task DaprMode_StartsWithoutASidecar_AndDaprConfigListsTheActorTypes()
    {
        await using var server = new SevaServer(DaprMode("Web,Actors"));
        using var client = new HttpClient { BaseAddress = server.BaseAddress };

        var config = JsonNode.Parse(await client.GetStringAsync("/dapr/config"))!;

        Assert.Contains("DictationActor", config["entities"]!.AsArray().Select(e => (string?)e));
        Assert.Contains("BroadcastActor", config["entities"]!.AsArray().Select(e => (string?)e));
        Assert.False((bool?)config["reentrancy"]?["enabled"] ?? false);
        Assert.True((bool)config["drainRebalancedActors"]!);
        Assert.Equal("0h15m0s0ms", (string?)config["actorIdleTimeout"]);
        var subscriptions = JsonNode.Parse(await client.GetStringAsync("/dapr/subscribe"))!.AsArray();
        var subscription = Assert.Single(subscriptions)!;
        Assert.Equal("seva-pubsub", (string?)subscription["pubsubName"]); // daprd reads JSON keys case-insensitively
        Assert.Equal("dapr/events", (string?)subscription["route"]);
        Assert.StartsWith("seva-web-", (string?)subscription["topic"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWebOnlyHost_HasNoActors_AndAnActorOnlyHost_SubscribesToNothing()
    {
        await using (var web = new SevaServer(DaprMode("Web")))
        {
            using var client = new HttpClient { BaseAddress = web.BaseAddress };
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/dapr/config")).StatusCode);
            Assert.Single(JsonNode.Parse(await client.GetStringAsync("/dapr/subscribe"))!.AsArray());
        }

        await using var actors = new SevaServer(DaprMode("Actors"));
        using var actorClient = new HttpClient { BaseAddress = actors.BaseAddress };
        Assert.Contains("DictationActor", JsonNode.Parse(await actorClient.GetStringAsync("/dapr/config"))!["entities"]!.AsArray().Select(e => (string?)e));
        Assert.Equal(HttpStatusCode.NotFound, (await actorClient.GetAsync("/dapr/subscribe")).StatusCode);
    }

    [Fact]
    public void DaprMode_WithoutAnAppToken_RefusesToStart_SayingHowToFixIt()
    {
        var settings = DaprMode("Web,Actors");
        settings.Remove("Seva:Hosting:Dapr:AllowWithoutAppToken");

        var refused = Assert.ThrowsAny<Exception>(() => new SevaServer(settings));

        var message = refused.ToString();
        Assert.Contains("APP_API_TOKEN", message, StringComparison.Ordinal);
        Assert.Contains("AllowWithoutAppToken", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InProcessMode_TheDefault_ServesNoDaprEndpoints()
    {
        await using var server = new SevaServer();
        using var client = new HttpClient { BaseAddress = server.BaseAddress };

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/dapr/config")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/dapr/subscribe")).StatusCode);
    }

    [Fact]
    public async Task WithAnAppToken_TheSidecarsEndpointsAnswerOnlyCallsCarryingIt()
    {
        var settings = DaprMode("Web,Actors");
        settings.Remove("Seva:Hosting:Dapr:AllowWithoutAppToken");
        settings["Seva:Hosting:Dapr:AppApiToken"] = "sidecar-secret"; // as APP_API_TOKEN, without touching the process's environment
        await using var server = new SevaServer(settings);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/dapr/config")).StatusCode);
        using var end = new StringContent("{\"reason\":\"x\"}", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PutAsync("/actors/BroadcastActor/quiet-owl-123/method/EndAsync", end)).StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/dapr/config");
        request.Headers.Add("dapr-api-token", "sidecar-secret");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
    }
}
