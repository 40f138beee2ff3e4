using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Seva.Web.Tests.Dapr.Support;

/// <summary>
/// Plays daprd toward apps under test, over HTTP only, in the shapes daprd uses (dapr/dapr master:
/// pkg/api/http/actors.go, pkg/actors/targets/app/transport/http/http.go, pkg/channel/http/http_channel.go,
/// pkg/api/http/http.go onPublish, pkg/runtime/subscription/postman/http/http.go). The daprd Seva needs
/// cannot be installed here, so this is how Seva's side of each contract is exercised.
/// One double stands for the sidecars of every connected app: an actor call goes to the app whose
/// GET /dapr/config lists the type; an event goes to every app subscribed to its topic.
/// Apps find it through DAPR_HTTP_ENDPOINT = <see cref="HttpEndpoint"/> (or ActorRuntimeOptions.HttpEndpoint).
/// Not played: placement across several actor hosts, idle deactivation on a clock (call
/// <see cref="DeactivateAsync"/>), CEL routing rules, gRPC (the .NET actor SDK speaks HTTP only).
/// </summary>
public sealed partial class DaprSidecarDouble : IAsyncDisposable
{
    private readonly WebApplication _server;
    private readonly ConcurrentDictionary<string, DaprApp> _apps = new(StringComparer.Ordinal);
    // daprd runs one call at a time per actor (turn-based, reentrancy off): calls, reminders, timers
    // and deactivation of one actor queue behind each other.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _turns = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _active = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<DaprActorCall> _actorCalls = new();
    private readonly CancellationTokenSource _stopping = new();

    private DaprSidecarDouble(WebApplication server, string appId)
    {
        _server = server;
        AppId = appId;
    }

    /// <summary>The app id daprd stamps on what it does (CloudEvent source, state keys).</summary>
    public string AppId { get; }

    /// <summary>http://127.0.0.1:{port}, with no trailing slash.</summary>
    public string HttpEndpoint { get; private set; } = "";

    /// <summary>The pub/sub components this double has (publishing to another name fails as in daprd).</summary>
    public ISet<string> PubsubNames { get; } = new HashSet<string>(StringComparer.Ordinal) { "seva-pubsub" };

    /// <summary>Whether ttlInSeconds is accepted on actor state (daprd's ActorStateTTL feature flag).</summary>
    public bool ActorStateTtlEnabled { get; set; }

    /// <summary>How many times an event is posted to an app that answers RETRY or fails before the
    /// double gives up on it (Redis would offer it again after redeliverInterval).</summary>
    public int DeliveryAttempts { get; set; } = 3;

    public TimeSpan DeliveryRetryDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    public IReadOnlyCollection<DaprApp> Apps => [.. _apps.Values];

    public IReadOnlyList<DaprActorCall> ActorCalls => [.. _actorCalls];

    public static async Task<DaprSidecarDouble> StartAsync(string appId = "seva-sidecar-double", CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var server = builder.Build();
        var sidecar = new DaprSidecarDouble(server, appId);
        sidecar.Map(server);
        await server.StartAsync(cancellationToken);
        var address = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        sidecar.HttpEndpoint = address.TrimEnd('/');
        return sidecar;
    }

    /// <summary>Connects an app listening on a URL, as daprd does at start: GET /dapr/config, then
    /// GET /dapr/subscribe, waiting (up to <paramref name="timeout"/>) while the app does not answer yet.</summary>
    public Task<DaprApp> ConnectAppAsync(string appId, Uri appEndpoint, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        ConnectAppAsync(appId, new HttpClient { BaseAddress = appEndpoint }, timeout, cancellationToken);

    /// <summary>Connects an app hosted in-process, e.g. <c>factory.Server.CreateHandler()</c>.</summary>
    public Task<DaprApp> ConnectAppAsync(string appId, HttpMessageHandler appHandler, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        ConnectAppAsync(appId, new HttpClient(appHandler) { BaseAddress = new Uri("http://localhost/") }, timeout, cancellationToken);

    public async Task<DaprApp> ConnectAppAsync(string appId, HttpClient appClient, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                var config = await ReadAppConfigAsync(appId, appClient, cancellationToken);
                var subscriptions = await ReadSubscriptionsAsync(appId, appClient, cancellationToken);
                var app = new DaprApp(appId, appClient, config, subscriptions);
                _apps[appId] = app;
                return app;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                // daprd waits for the app's port before it reads its configuration.
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    public DaprApp App(string appId) => _apps[appId];

    public bool IsActive(string actorType, string actorId) => _active.ContainsKey(ActorKey(actorType, actorId));

    /// <summary>A call from another app's proxy, as daprd forwards it: PUT {app}/actors/{type}/{id}/method/{method}.</summary>
    public Task<DaprActorResponse> InvokeActorAsync(string actorType, string actorId, string method, string? json, CancellationToken cancellationToken = default)
    {
        var content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json");
        return CallActorAsync(actorType, actorId, method, content, [], cancellationToken);
    }

    /// <summary>Deactivates an actor as daprd does when it has been idle or placement moved it:
    /// DELETE {app}/actors/{type}/{id}, after the actor's call in progress, if any.</summary>
    public async Task<HttpStatusCode> DeactivateAsync(string actorType, string actorId, CancellationToken cancellationToken = default)
    {
        var app = HostOf(actorType) ?? throw new InvalidOperationException($"No connected app hosts actor type {actorType}.");
        var turn = Turn(actorType, actorId);
        await turn.WaitAsync(cancellationToken);
        try
        {
            _active.TryRemove(ActorKey(actorType, actorId), out _);
            using var response = await app.Client.DeleteAsync(new Uri($"actors/{Esc(actorType)}/{Esc(actorId)}", UriKind.Relative), cancellationToken);
            return response.StatusCode;
        }
        finally
        {
            turn.Release();
        }
    }

    /// <summary>Takes an app out of placement, as when its host is drained or leaves the cluster: every
    /// actor active on it is deactivated there first, and later calls place the actor on another app that
    /// hosts its type.</summary>
    public async Task RemoveAppAsync(string appId, CancellationToken cancellationToken = default)
    {
        var app = _apps[appId];
        foreach (var key in _active.Keys.ToList())
        {
            var (type, id) = (key[..key.IndexOf("||", StringComparison.Ordinal)], key[(key.IndexOf("||", StringComparison.Ordinal) + 2)..]);
            if (HostOf(type) == app)
            {
                await DeactivateAsync(type, id, cancellationToken);
            }
        }

        _apps.TryRemove(appId, out _);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _server.StopAsync();
        await _server.DisposeAsync();
        foreach (var app in _apps.Values)
        {
            app.Client.Dispose();
        }

        _stopping.Dispose();
    }

    private void Map(WebApplication server)
    {
        // The .NET SDK builds "{endpoint}/{relative}" from an endpoint that ends in '/' (DaprDefaults),
        // so it calls //v1.0/...; daprd cleans the path (pkg/api/http/middlewares.go CleanPathMiddleware).
        server.Use((context, next) =>
        {
            var path = context.Request.Path.Value ?? "";
            while (path.Contains("//", StringComparison.Ordinal))
            {
                path = path.Replace("//", "/", StringComparison.Ordinal);
            }

            context.Request.Path = path;
            return next(context);
        });
        server.UseRouting(); // after the cleaning, so routes match the cleaned path
        server.MapGet("/v1.0/healthz", () => Results.NoContent());
        server.MapGet("/v1.0/healthz/outbound", () => Results.NoContent());
        server.MapGet("/v1.0/metadata", Metadata);
        server.MapMethods("/v1.0/actors/{type}/{id}/method/{**method}", ["GET", "POST", "PUT", "DELETE"], OnActorMethod);
        MapState(server);
        MapPubSub(server);
    }

    private async Task OnActorMethod(HttpContext context, string type, string id, string method)
    {
        var body = await ReadBodyAsync(context.Request);
        var content = new ByteArrayContent(body);
        if (context.Request.ContentType is { } contentType)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        // daprd passes the caller's headers on (minus hop-by-hop ones) and marks the call as an API call.
        var headers = context.Request.Headers
            .Where(h => !NotForwarded.Contains(h.Key))
            .SelectMany(h => h.Value.Select(v => KeyValuePair.Create(h.Key, v ?? "")))
            .Append(KeyValuePair.Create("Dapr-API-Call", "true"))
            .ToList();
        var result = await CallActorAsync(type, id, method, content, headers, context.RequestAborted);
        context.Response.StatusCode = result.StatusCode;
        foreach (var (name, value) in result.Headers)
        {
            context.Response.Headers.Append(name, value);
        }

        context.Response.ContentType = result.ContentType ?? "application/json";
        await context.Response.Body.WriteAsync(result.Body, context.RequestAborted);
    }

    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Content-Type", "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade",
        "Proxy-Connection", "TE", "Trailer", "dapr-api-token",
    };

    private async Task<DaprActorResponse> CallActorAsync(string type, string id, string method, HttpContent? content,
        IReadOnlyList<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        var app = HostOf(type);
        if (app is null)
        {
            // What the placement lookup gives for a type no app registered.
            return Error(HttpStatusCode.InternalServerError, "ERR_ACTOR_INVOKE_METHOD", $"error invoke actor method: did not find address for actor {type}/{id}");
        }

        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri($"actors/{Esc(type)}/{Esc(id)}/method/{method}", UriKind.Relative)) { Content = content };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var turn = Turn(type, id);
        await turn.WaitAsync(cancellationToken);
        try
        {
            _active[ActorKey(type, id)] = true;
            HttpResponseMessage response;
            try
            {
                response = await app.Client.SendAsync(request, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // An in-process TestServer rethrows the app's unhandled exception where Kestrel answers 500.
                _actorCalls.Enqueue(new DaprActorCall(type, id, method, 500));
                return Error(HttpStatusCode.InternalServerError, "ERR_ACTOR_INVOKE_METHOD", $"error invoke actor method: error from actor service: (500) {e.Message}");
            }

            using (response)
            {
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                _actorCalls.Enqueue(new DaprActorCall(type, id, method, (int)response.StatusCode));
                return ToCallerResponse(response, body, $"actors/{type}/{id}/method/{method}");
            }
        }
        finally
        {
            turn.Release();
        }
    }

    /// <summary>pkg/actors/targets/app/transport/http/http.go Invoke and pkg/api/http/actors.go onDirectActorMessage:
    /// only 200 is success; 404 and every other status become ERR_ACTOR_INVOKE_METHOD (500). A 200 with
    /// X-DaprErrorResponseHeader (the SDK's remoting error) goes back as the app sent it.</summary>
    private static DaprActorResponse ToCallerResponse(HttpResponseMessage response, byte[] body, string appMethod)
    {
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return Error(HttpStatusCode.InternalServerError, "ERR_ACTOR_INVOKE_METHOD", $"error invoke actor method: actor method not found: {appMethod}");
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            return Error(HttpStatusCode.InternalServerError, "ERR_ACTOR_INVOKE_METHOD",
                $"error invoke actor method: error from actor service: ({(int)response.StatusCode}) {Encoding.UTF8.GetString(body)}");
        }

        var headers = response.Headers
            .Where(h => !NotForwarded.Contains(h.Key))
            .SelectMany(h => h.Value.Select(v => KeyValuePair.Create(h.Key, v)))
            .ToList();
        return new DaprActorResponse(200, response.Content.Headers.ContentType?.ToString(), body, headers);
    }

    private static DaprActorResponse Error(HttpStatusCode status, string code, string message) =>
        new((int)status, "application/json", ErrorBody(code, message), []);

    /// <summary>daprd's error body (pkg/messages/api_error.go JSONErrorValue); the .NET SDK reads it into
    /// DaprApiException(message, errorCode).</summary>
    private static byte[] ErrorBody(string code, string message) =>
        JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["errorCode"] = code, ["message"] = message });

    private static IResult ErrorResult(HttpStatusCode status, string code, string message) =>
        Results.Text(Encoding.UTF8.GetString(ErrorBody(code, message)), "application/json", Encoding.UTF8, (int)status);

    private IResult Metadata() => Results.Json(new JsonObject
    {
        ["id"] = AppId,
        ["runtimeVersion"] = "sidecar-double",
        ["actorRuntime"] = new JsonObject
        {
            ["runtimeStatus"] = "RUNNING",
            ["hostReady"] = true,
            ["placement"] = "placement: connected",
            ["activeActors"] = new JsonArray([.. _active.Keys.GroupBy(k => k.Split("||")[0])
                .Select(g => (JsonNode)new JsonObject { ["type"] = g.Key, ["count"] = g.Count() })]),
        },
        ["subscriptions"] = new JsonArray([.. _apps.Values.SelectMany(a => a.Subscriptions)
            .Select(s => (JsonNode)new JsonObject { ["pubsubname"] = s.PubsubName, ["topic"] = s.Topic, ["type"] = "PROGRAMMATIC" })]),
    });

    private DaprApp? HostOf(string actorType) =>
        _apps.Values.FirstOrDefault(a => a.Config.Entities.Contains(actorType, StringComparer.Ordinal));

    private SemaphoreSlim Turn(string type, string id) => _turns.GetOrAdd(ActorKey(type, id), _ => new SemaphoreSlim(1, 1));

    private static string ActorKey(string type, string id) => type + "||" + id;

    private static string Esc(string segment) => Uri.EscapeDataString(segment);

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        return buffer.ToArray();
    }

    private static async Task<DaprAppConfig> ReadAppConfigAsync(string appId, HttpClient app, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("dapr/config", UriKind.Relative));
        request.Headers.Add("dapr-app-id", appId);
        using var response = await app.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return DaprAppConfig.None;
        }

        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!.AsObject();
        return new DaprAppConfig(
            [.. (Prop(json, "entities") as JsonArray ?? []).Select(e => e!.GetValue<string>())],
            Prop(json, "actorIdleTimeout")?.GetValue<string>(),
            Prop(json, "drainOngoingCallTimeout")?.GetValue<string>(),
            Prop(json, "drainRebalancedActors")?.GetValue<bool>(),
            Prop(Prop(json, "reentrancy"), "enabled")?.GetValue<bool>() ?? false,
            json);
    }

    private static async Task<IReadOnlyList<DaprSubscription>> ReadSubscriptionsAsync(string appId, HttpClient app, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("dapr/subscribe", UriKind.Relative));
        request.Headers.Add("dapr-app-id", appId);
        using var response = await app.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return [];
        }

        var items = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken)) as JsonArray ?? [];
        return [.. items.OfType<JsonObject>().Select(s => new DaprSubscription(
            Prop(s, "pubsubname")!.GetValue<string>(),
            Prop(s, "topic")!.GetValue<string>(),
            Prop(s, "route")?.GetValue<string>(),
            [.. (Prop(Prop(s, "routes"), "rules") as JsonArray ?? []).OfType<JsonObject>()
                .Select(r => (Prop(r, "match")?.GetValue<string>() ?? "", Prop(r, "path")!.GetValue<string>()))],
            Prop(Prop(s, "routes"), "default")?.GetValue<string>(),
            (Prop(s, "metadata") as JsonObject ?? []).ToDictionary(m => m.Key, m => m.Value!.ToString(), StringComparer.Ordinal)))];
    }

    /// <summary>Go's encoding/json matches keys case-insensitively; so does daprd, so does this.</summary>
    private static JsonNode? Prop(JsonNode? node, string name) =>
        node is JsonObject o ? o.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value : null;
}
