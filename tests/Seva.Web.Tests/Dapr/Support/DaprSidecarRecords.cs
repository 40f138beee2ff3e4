using System.Text.Json;
using System.Text.Json.Nodes;

namespace Seva.Web.Tests.Dapr.Support;

/// <summary>An app the double plays the sidecar for, with what it answered on GET /dapr/config and
/// GET /dapr/subscribe when it was connected.</summary>
public sealed record DaprApp(string AppId, HttpClient Client, DaprAppConfig Config, IReadOnlyList<DaprSubscription> Subscriptions)
{
    /// <summary>Where the double calls the app (a loopback URL, or http://localhost/ for a TestServer handler).</summary>
    public Uri? AppEndpoint => Client.BaseAddress;
}

/// <summary>The app's actor settings, parsed as daprd parses them (dapr/dapr pkg/config/app_configuration.go).
/// An app that answers GET /dapr/config with anything but 200 hosts no actors.</summary>
public sealed record DaprAppConfig(
    IReadOnlyList<string> Entities,
    string? ActorIdleTimeout,
    string? DrainOngoingCallTimeout,
    bool? DrainRebalancedActors,
    bool ReentrancyEnabled,
    JsonObject Raw)
{
    public static DaprAppConfig None { get; } = new([], null, null, null, false, []);
}

/// <summary>One entry of GET /dapr/subscribe (dapr/dapr pkg/runtime/pubsub/subscriptions.go SubscriptionJSON):
/// v1 "route" or v2 "routes" {rules, default}. Keys are matched case-insensitively, as Go's JSON does
/// (the .NET SDK writes pubsubName, daprd's struct says pubsubname).</summary>
public sealed record DaprSubscription(string PubsubName, string Topic, string? Route, IReadOnlyList<(string Match, string Path)> Rules,
    string? DefaultRoute, IReadOnlyDictionary<string, string> Metadata)
{
    public bool RawPayload => Metadata.TryGetValue("rawPayload", out var raw) && bool.TryParse(raw, out var on) && on;

    /// <summary>The path daprd posts to when no rule's CEL expression matches. The double does not
    /// evaluate CEL, so rules with a match are never chosen.</summary>
    public string? Path => DefaultRoute ?? Route;
}

/// <summary>A reminder or timer registered through /v1.0/actors/{type}/{id}/reminders|timers/{name}.
/// DueTime and Period are kept as sent (daprd echoes the registered strings when it fires);
/// Data is the raw JSON of the "data" field (the .NET SDK sends a base64 string).</summary>
public sealed record DaprReminder(string ActorType, string ActorId, string Name, string DueTime, string Period, string? Ttl,
    string? DataJson, string? Callback);

/// <summary>What an app (or a test) published through POST /v1.0/publish/{pubsub}/{topic}: the bytes
/// daprd hands the broker (the CloudEvent envelope, or the raw body with metadata.rawPayload=true).</summary>
public sealed record DaprPublishedMessage(string PubsubName, string Topic, byte[] Data, bool RawPayload, string? ContentType)
{
    public JsonObject? Envelope => RawPayload ? null : JsonNode.Parse(Data) as JsonObject;
}

public enum DaprDeliveryOutcome
{
    Success,
    Retry,
    Drop,
}

/// <summary>One POST of an event to an app's subscription route, and how daprd would read the answer
/// (dapr/dapr pkg/runtime/subscription/postman/http/http.go).</summary>
public sealed record DaprDelivery(string AppId, string PubsubName, string Topic, string Route, string Body, int Attempt,
    int StatusCode, DaprDeliveryOutcome Outcome)
{
    public JsonObject CloudEvent => JsonNode.Parse(Body)!.AsObject();
}

/// <summary>An actor method call the double forwarded to an app, with the app's status code.</summary>
public sealed record DaprActorCall(string ActorType, string ActorId, string Method, int StatusCode);

/// <summary>The answer to an actor call as daprd gives it to the caller.</summary>
public sealed record DaprActorResponse(int StatusCode, string? ContentType, byte[] Body, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);

    public T? Json<T>(JsonSerializerOptions? options = null) => JsonSerializer.Deserialize<T>(Body, options ?? JsonSerializerOptions.Web);
}
