using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapr;
using Dapr.Actors;
using Dapr.Actors.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Seva.Actors.Tests.Support;
using Seva.Web.Tests.Dapr.Support;

namespace Seva.Web.Tests.Dapr;

public sealed class EchoAppWithSidecar : IAsyncLifetime
{
    public DaprSidecarDouble Sidecar { get; private set; } = null!;

    public WebApplication App { get; private set; } = null!;

    public EchoLog Log => App.Services.GetRequiredService<EchoLog>();

    public async Task InitializeAsync()
    {
        Sidecar = await DaprSidecarDouble.StartAsync("echo-app");
        App = await EchoActorApp.StartAsync(Sidecar.HttpEndpoint);
        await Sidecar.ConnectAppAsync("echo-app", App.GetTestServer().CreateHandler());
    }

    public async Task DisposeAsync()
    {
        await Sidecar.DisposeAsync();
        await App.DisposeAsync();
    }

    public ActorProxy Proxy(string id) =>
        ActorProxy.Create(new ActorId(id), nameof(EchoActor), new ActorProxyOptions { HttpEndpoint = Sidecar.HttpEndpoint });
}

/// <summary>The sidecar double against the real Dapr .NET SDK (1.19): if the SDK accepts what the double
/// sends and the double accepts what the SDK sends, Seva's Dapr host can be tested through it.</summary>
public sealed class DaprSidecarDoubleTests(EchoAppWithSidecar fixture) : IClassFixture<EchoAppWithSidecar>
{
    private readonly DaprSidecarDouble _sidecar = fixture.Sidecar;

    [Fact]
    public void Connect_ReadsTheActorTypesAndSettings_FromDaprConfig()
    {
        var config = _sidecar.App("echo-app").Config;

        Assert.Equal(["EchoActor"], config.Entities);
        Assert.Equal("0h5m0s0ms", config.ActorIdleTimeout);
        Assert.Equal("0h0m30s0ms", config.DrainOngoingCallTimeout);
        Assert.True(config.DrainRebalancedActors);
        Assert.False(config.ReentrancyEnabled);
    }

    [Fact]
    public void Connect_ReadsTheStaticAndTheRunTimeSubscriptions_FromDaprSubscribe()
    {
        var subscriptions = _sidecar.App("echo-app").Subscriptions;

        Assert.Contains(subscriptions, s => s is { PubsubName: "seva-pubsub", Topic: EchoActorApp.Topic } && s.Path!.TrimStart('/') == "captions");
        Assert.Contains(subscriptions, s => s is { PubsubName: "seva-pubsub", Topic: EchoActorApp.HostTopic } && s.Path!.TrimStart('/') == "fanout");
    }

    [Fact]
    public async Task NonRemotingProxyCall_ReachesTheActor_AndReturnsItsJson()
    {
        var reply = await fixture.Proxy("echo-1").InvokeMethodAsync<EchoRequest, EchoReply>(nameof(IEchoActor.EchoAsync), new EchoRequest("hello", 41));

        Assert.Equal(new EchoReply("hello", "echo-1", 42), reply);
        Assert.Contains(_sidecar.ActorCalls, c => c is { ActorType: "EchoActor", ActorId: "echo-1", Method: "EchoAsync", StatusCode: 200 });
    }

    [Fact]
    public async Task ActorMethodThatThrows_ReachesTheCaller_AsDaprApiExceptionWithDaprdsErrorCode()
    {
        // Non-remoting calls get no ActorMethodInvocationException: the app answers 500, daprd turns it
        // into ERR_ACTOR_INVOKE_METHOD, and the SDK's DaprHttpInteractor throws DaprApiException.
        var error = await Assert.ThrowsAsync<DaprApiException>(() => fixture.Proxy("echo-fail").InvokeMethodAsync(nameof(IEchoActor.FailAsync)));

        Assert.Equal("ERR_ACTOR_INVOKE_METHOD", error.ErrorCode);
    }

    [Fact]
    public async Task MethodNames_AreMatchedExactly_AnUnknownOneFails()
    {
        var error = await Assert.ThrowsAsync<DaprApiException>(() => fixture.Proxy("echo-name").InvokeMethodAsync<EchoRequest, EchoReply>("echoAsync", new EchoRequest("x", 0)));

        Assert.Equal("ERR_ACTOR_INVOKE_METHOD", error.ErrorCode);
    }

    [Fact]
    public async Task StateSavedByTheActor_LandsInTheStore_AndIsReadBackAfterDeactivation()
    {
        var proxy = fixture.Proxy("echo-state");
        await proxy.InvokeMethodAsync(nameof(IEchoActor.SaveNoteAsync), new Note("first draft", 1));

        Assert.Equal("""{"text":"first draft","version":1}""", _sidecar.StateOf("EchoActor", "echo-state", "note"));
        Assert.Equal(HttpStatusCode.OK, await _sidecar.DeactivateAsync("EchoActor", "echo-state"));
        Assert.False(_sidecar.IsActive("EchoActor", "echo-state"));

        var note = await proxy.InvokeMethodAsync<Note?>(nameof(IEchoActor.ReadNoteAsync));

        Assert.Equal(new Note("first draft", 1), note);
        Assert.Equal(2, fixture.Log.Activations.Count(a => a == "echo-state"));
    }

    [Fact]
    public async Task StateLeftByAnotherHost_IsWhatTheReactivatedActorReads()
    {
        _sidecar.SeedState("EchoActor", "echo-moved", "note", """{"text":"from the other host","version":7}""");

        var note = await fixture.Proxy("echo-moved").InvokeMethodAsync<Note?>(nameof(IEchoActor.ReadNoteAsync));

        Assert.Equal(new Note("from the other host", 7), note);
    }

    [Fact]
    public async Task StateWrite_ForAnActorThatIsNotActive_IsRefusedAsDaprdRefusesIt()
    {
        using var client = new HttpClient();
        using var response = await client.PutAsync(new Uri($"{_sidecar.HttpEndpoint}/v1.0/actors/EchoActor/never-called/state"),
            new StringContent("""[{"operation":"upsert","request":{"key":"k","value":1}}]"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("ERR_ACTOR_INSTANCE_MISSING", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReminderRegisteredByTheActor_FiredByTheDouble_ReachesReceiveReminderAsync()
    {
        await fixture.Proxy("echo-remind").InvokeMethodAsync(nameof(IEchoActor.ScheduleAsync), "close-session");

        var reminder = Assert.Single(_sidecar.Reminders, r => r.ActorId == "echo-remind");
        // Kept as the SDK sent them: its Dapr duration format, which daprd echoes back when it fires.
        Assert.Equal(("close-session", "1h0m0s0ms", "1h0m0s0ms"), (reminder.Name, reminder.DueTime, reminder.Period));
        Assert.Equal(HttpStatusCode.OK, await _sidecar.FireReminderAsync("EchoActor", "echo-remind", "close-session"));

        Assert.Contains(fixture.Log.Reminders, r => r == ("echo-remind", "close-session", "state of close-session"));
    }

    [Fact]
    public async Task TimerRegisteredByTheActor_FiredByTheDouble_CallsItsCallbackWithItsData()
    {
        await fixture.Proxy("echo-timer").InvokeMethodAsync(nameof(IEchoActor.ScheduleAsync), "status");

        var timer = Assert.Single(_sidecar.Timers, t => t.ActorId == "echo-timer");
        Assert.Equal("OnTimerAsync", timer.Callback);
        Assert.Equal(HttpStatusCode.OK, await _sidecar.FireTimerAsync("EchoActor", "echo-timer", "status"));

        Assert.Contains(fixture.Log.Timers, t => t == ("echo-timer", "timer data status"));
    }

    [Fact]
    public async Task PublishOverHttp_ReachesTheTopicRoute_AsACloudEvent()
    {
        using var client = new HttpClient();
        using var response = await client.PostAsJsonAsync(new Uri($"{_sidecar.HttpEndpoint}/v1.0/publish/seva-pubsub/{EchoActorApp.Topic}"),
            new Caption("hello world", 101), JsonSerializerOptions.Web);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        await Poll.UntilAsync(() => fixture.Log.Events.Any(e => e.Caption.Segment == 101));

        var delivery = Assert.Single(_sidecar.Deliveries, d => d.CloudEvent["data"]?["segment"]?.GetValue<int>() == 101);
        var ce = delivery.CloudEvent;
        Assert.Equal(("1.0", "com.dapr.event.sent", "echo-app", EchoActorApp.Topic, "seva-pubsub"),
            (Str(ce, "specversion"), Str(ce, "type"), Str(ce, "source"), Str(ce, "topic"), Str(ce, "pubsubname")));
        Assert.StartsWith("application/json", Str(ce, "datacontenttype"), StringComparison.Ordinal);
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", Str(ce, "traceparent"));
        Assert.Equal(DaprDeliveryOutcome.Success, delivery.Outcome);
        // UseCloudEvents handed the route the data alone, with the data's content type.
        var taken = Assert.Single(fixture.Log.Events, e => e.Caption.Segment == 101);
        Assert.Equal(("/captions", new Caption("hello world", 101)), (taken.Route, taken.Caption));
        Assert.StartsWith("application/json", taken.ContentType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EventsOnOneTopic_ArriveInOrder_EvenWhenTheAppAsksForARetry()
    {
        fixture.Log.RetriesLeft[201] = 2;
        using var client = new HttpClient();
        foreach (var segment in new[] { 201, 202, 203 })
        {
            using var response = await client.PostAsJsonAsync(new Uri($"{_sidecar.HttpEndpoint}/v1.0/publish/seva-pubsub/{EchoActorApp.HostTopic}"),
                new Caption("segment", segment), JsonSerializerOptions.Web);
            response.EnsureSuccessStatusCode();
        }

        await Poll.UntilAsync(() => fixture.Log.Events.Count(e => e.Caption.Segment is >= 201 and <= 203) == 3);

        Assert.Equal([201, 202, 203], fixture.Log.Events.Where(e => e.Route == "/fanout").Select(e => e.Caption.Segment).Where(s => s is >= 201 and <= 203));
        Assert.Equal([DaprDeliveryOutcome.Retry, DaprDeliveryOutcome.Retry, DaprDeliveryOutcome.Success],
            _sidecar.Deliveries.Where(d => d.CloudEvent["data"]?["segment"]?.GetValue<int>() == 201).Select(d => d.Outcome));
    }

    [Fact]
    public async Task PublishToAnUnknownPubSub_IsRefused()
    {
        using var client = new HttpClient();
        using var response = await client.PostAsJsonAsync(new Uri($"{_sidecar.HttpEndpoint}/v1.0/publish/other-pubsub/t"), new Caption("x", 1));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("ERR_PUBSUB_NOT_FOUND", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthAndMetadata_AnswerAsDaprdDoes()
    {
        using var client = new HttpClient { BaseAddress = new Uri(_sidecar.HttpEndpoint + "/") };

        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync(new Uri("v1.0/healthz", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync(new Uri("v1.0/healthz/outbound", UriKind.Relative))).StatusCode);
        var metadata = await client.GetFromJsonAsync<JsonElement>(new Uri("v1.0/metadata", UriKind.Relative));
        Assert.Equal("echo-app", metadata.GetProperty("id").GetString());
    }

    private static string? Str(System.Text.Json.Nodes.JsonObject ce, string name) => ce[name]?.GetValue<string>();
}

/// <summary>The same SDK, with the app on a real loopback port and the double calling it by URL.</summary>
public sealed class DaprSidecarDoubleOverKestrelTests
{
    [Fact]
    public async Task ProxyCall_ReachesAnAppListeningOnAPort()
    {
        await using var sidecar = await DaprSidecarDouble.StartAsync("echo-kestrel");
        var port = FreePort();
        await using var app = await EchoActorApp.StartAsync(sidecar.HttpEndpoint, $"http://127.0.0.1:{port}");
        var connected = await sidecar.ConnectAppAsync("echo-kestrel", new Uri($"http://127.0.0.1:{port}/"));

        var proxy = ActorProxy.Create(new ActorId("k1"), nameof(EchoActor), new ActorProxyOptions { HttpEndpoint = sidecar.HttpEndpoint });
        var reply = await proxy.InvokeMethodAsync<EchoRequest, EchoReply>(nameof(IEchoActor.EchoAsync), new EchoRequest("over tcp", 1));

        Assert.Equal(new EchoReply("over tcp", "k1", 2), reply);
        Assert.Equal(new Uri($"http://127.0.0.1:{port}/"), connected.AppEndpoint);
    }

    [Fact]
    public async Task SdkDefaultEndpoint_WithItsTrailingSlash_IsCleanedAsDaprdCleansIt()
    {
        // DaprDefaults builds "http://127.0.0.1:port/" from DAPR_HTTP_ENDPOINT, and the SDK then calls //v1.0/...
        await using var sidecar = await DaprSidecarDouble.StartAsync("echo-slash");
        await using var app = await EchoActorApp.StartAsync(sidecar.HttpEndpoint + "/");
        await sidecar.ConnectAppAsync("echo-slash", app.GetTestServer().CreateHandler());

        var proxy = ActorProxy.Create(new ActorId("s1"), nameof(EchoActor), new ActorProxyOptions { HttpEndpoint = sidecar.HttpEndpoint + "/" });
        await proxy.InvokeMethodAsync(nameof(IEchoActor.SaveNoteAsync), new Note("slashes", 1));

        Assert.NotNull(sidecar.StateOf("EchoActor", "s1", "note"));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
