using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Seva.Web.Tests.Dapr.Support;

/// <summary>Actor state, reminders and timers (dapr/dapr pkg/api/http/actors.go, pkg/actors/api).</summary>
public sealed partial class DaprSidecarDouble
{
    private readonly ConcurrentDictionary<(string Type, string Id, string Key), string> _state = new();
    private readonly ConcurrentDictionary<(string Type, string Id, string Key), string> _stateTtls = new();
    private readonly Lock _stateLock = new();
    private readonly ConcurrentDictionary<(string Type, string Id, string Name), DaprReminder> _reminders = new();
    private readonly ConcurrentDictionary<(string Type, string Id, string Name), DaprReminder> _timers = new();

    /// <summary>The actor state store: (type, id, key) to the value's JSON, as the SDK's state manager
    /// wrote it. daprd keys it "{appId}||{type}||{id}||{key}" in the real store, so only an actor host
    /// with the same app id finds it again.</summary>
    public IReadOnlyDictionary<(string Type, string Id, string Key), string> State => new Dictionary<(string, string, string), string>(_state);

    public IReadOnlyCollection<DaprReminder> Reminders => [.. _reminders.Values];

    public IReadOnlyCollection<DaprReminder> Timers => [.. _timers.Values];

    /// <summary>Writes state as another actor host would have left it (to test re-activation elsewhere).</summary>
    public void SeedState(string actorType, string actorId, string key, string json) => _state[(actorType, actorId, key)] = json;

    public string? StateOf(string actorType, string actorId, string key) => _state.GetValueOrDefault((actorType, actorId, key));

    /// <summary>The metadata.ttlInSeconds the last write of a key carried (null: none). The double keeps
    /// it but never lets it run out.</summary>
    public string? StateTtlOf(string actorType, string actorId, string key) => _stateTtls.GetValueOrDefault((actorType, actorId, key));

    /// <summary>Fires a registered reminder: PUT {app}/actors/{type}/{id}/method/remind/{name} with
    /// {"data":…,"dueTime":…,"period":…} (pkg/actors/api/api.go ReminderResponse; data is the registered
    /// JSON, left out when none was given). Returns the app's status code.</summary>
    public Task<HttpStatusCode> FireReminderAsync(string actorType, string actorId, string name, CancellationToken cancellationToken = default)
    {
        var reminder = _reminders.GetValueOrDefault((actorType, actorId, name))
            ?? throw new InvalidOperationException($"No reminder {name} on {actorType}/{actorId}.");
        var body = new StringBuilder("{");
        if (reminder.DataJson is not null)
        {
            body.Append("\"data\":").Append(reminder.DataJson).Append(',');
        }

        body.Append("\"dueTime\":").Append(JsonSerializer.Serialize(reminder.DueTime))
            .Append(",\"period\":").Append(JsonSerializer.Serialize(reminder.Period)).Append('}');
        return FireAsync(reminder, "remind/" + name, body.ToString(), _reminders, cancellationToken);
    }

    /// <summary>Fires a registered timer: PUT {app}/actors/{type}/{id}/method/timer/{name} with
    /// {"data":…,"callback":…,"dueTime":…,"period":…} (pkg/actors/api/api.go TimerResponse).</summary>
    public Task<HttpStatusCode> FireTimerAsync(string actorType, string actorId, string name, CancellationToken cancellationToken = default)
    {
        var timer = _timers.GetValueOrDefault((actorType, actorId, name))
            ?? throw new InvalidOperationException($"No timer {name} on {actorType}/{actorId}.");
        var body = new StringBuilder("{");
        if (timer.DataJson is not null)
        {
            body.Append("\"data\":").Append(timer.DataJson).Append(',');
        }

        body.Append("\"callback\":").Append(JsonSerializer.Serialize(timer.Callback ?? ""))
            .Append(",\"dueTime\":").Append(JsonSerializer.Serialize(timer.DueTime))
            .Append(",\"period\":").Append(JsonSerializer.Serialize(timer.Period)).Append('}');
        return FireAsync(timer, "timer/" + name, body.ToString(), _timers, cancellationToken);
    }

    private async Task<HttpStatusCode> FireAsync(DaprReminder reminder, string method, string body,
        ConcurrentDictionary<(string, string, string), DaprReminder> registry, CancellationToken cancellationToken)
    {
        var app = HostOf(reminder.ActorType) ?? throw new InvalidOperationException($"No connected app hosts {reminder.ActorType}.");
        using var request = new HttpRequestMessage(HttpMethod.Put,
            new Uri($"actors/{Esc(reminder.ActorType)}/{Esc(reminder.ActorId)}/method/{method}", UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        var turn = Turn(reminder.ActorType, reminder.ActorId);
        await turn.WaitAsync(cancellationToken);
        try
        {
            _active[ActorKey(reminder.ActorType, reminder.ActorId)] = true;
            using var response = await app.Client.SendAsync(request, cancellationToken);
            // An app may cancel a recurring reminder or timer by answering with X-DaprReminderCancel: true.
            if (response.Headers.TryGetValues("X-DaprReminderCancel", out var cancel) && bool.TryParse(cancel.FirstOrDefault(), out var yes) && yes)
            {
                registry.TryRemove((reminder.ActorType, reminder.ActorId, reminder.Name), out _);
            }

            return response.StatusCode;
        }
        finally
        {
            turn.Release();
        }
    }

    private void MapState(WebApplication server)
    {
        server.MapGet("/v1.0/actors/{type}/{id}/state/{key}", (string type, string id, string key) =>
            // A missing key is 204 with no body; the SDK reads an empty body as "no state".
            _state.TryGetValue((type, id, key), out var json)
                ? Results.Text(json, "application/json", statusCode: 200)
                : Results.NoContent());
        server.MapMethods("/v1.0/actors/{type}/{id}/state", ["POST", "PUT"], OnStateTransaction);
        server.MapMethods("/v1.0/actors/{type}/{id}/reminders/{name}", ["POST", "PUT"], (HttpContext c, string type, string id, string name) =>
            Register(c, type, id, name, _reminders, timer: false));
        server.MapMethods("/v1.0/actors/{type}/{id}/timers/{name}", ["POST", "PUT"], (HttpContext c, string type, string id, string name) =>
            Register(c, type, id, name, _timers, timer: true));
        server.MapGet("/v1.0/actors/{type}/{id}/reminders/{name}", (string type, string id, string name) =>
            _reminders.TryGetValue((type, id, name), out var r)
                ? Results.Json(new JsonObject
                {
                    ["actorID"] = id,
                    ["actorType"] = type,
                    ["data"] = r.DataJson is null ? null : JsonNode.Parse(r.DataJson),
                    ["dueTime"] = r.DueTime,
                    ["period"] = r.Period,
                })
                : ErrorResult(HttpStatusCode.InternalServerError, "ERR_ACTOR_REMINDER_GET", $"error getting actor reminder: reminder {name} not found"));
        server.MapDelete("/v1.0/actors/{type}/{id}/reminders/{name}", (string type, string id, string name) =>
        {
            _reminders.TryRemove((type, id, name), out _);
            return Results.NoContent();
        });
        server.MapDelete("/v1.0/actors/{type}/{id}/timers/{name}", (string type, string id, string name) =>
        {
            _timers.TryRemove((type, id, name), out _);
            return Results.NoContent();
        });
    }

    /// <summary>[{"operation":"upsert","request":{"key","value","metadata"?}}, {"operation":"delete","request":{"key"}}],
    /// applied all or nothing. daprd refuses it for an actor that is not active on this host
    /// (pkg/actors/state/state.go TransactionalStateOperation: ERR_ACTOR_INSTANCE_MISSING).</summary>
    private async Task<IResult> OnStateTransaction(HttpContext context, string type, string id)
    {
        if (!IsActive(type, id))
        {
            return ErrorResult(HttpStatusCode.BadRequest, "ERR_ACTOR_INSTANCE_MISSING", "actor instance is missing");
        }

        // The SDK sends it as text/plain (StringContent); daprd does not look at the content type.
        JsonArray operations;
        try
        {
            operations = JsonNode.Parse(await ReadBodyAsync(context.Request)) as JsonArray ?? throw new JsonException("not an array");
        }
        catch (JsonException e)
        {
            return ErrorResult(HttpStatusCode.BadRequest, "ERR_MALFORMED_REQUEST", "failed deserializing HTTP body: " + e.Message);
        }

        var changes = new List<(string Key, string? Json, string? Ttl)>();
        foreach (var op in operations.OfType<JsonObject>())
        {
            var kind = Prop(op, "operation")?.GetValue<string>();
            var request = Prop(op, "request") as JsonObject;
            var key = Prop(request, "key")?.GetValue<string>();
            if (string.IsNullOrEmpty(key) || kind is not ("upsert" or "delete"))
            {
                return ErrorResult(HttpStatusCode.InternalServerError, "ERR_ACTOR_STATE_TRANSACTION_SAVE",
                    $"error saving actor transaction state: operation {kind} on key '{key}' is not valid");
            }

            if (kind == "upsert" && Prop(Prop(request, "metadata"), "ttlInSeconds") is not null && !ActorStateTtlEnabled)
            {
                return ErrorResult(HttpStatusCode.InternalServerError, "ERR_ACTOR_STATE_TRANSACTION_SAVE",
                    "error saving actor transaction state: ttlInSeconds is not supported without the \"ActorStateTTL\" feature enabled");
            }

            changes.Add((key, kind == "upsert" ? Prop(request, "value")?.ToJsonString() ?? "null" : null, Prop(Prop(request, "metadata"), "ttlInSeconds")?.ToString()));
        }

        lock (_stateLock)
        {
            foreach (var (key, json, ttl) in changes)
            {
                if (json is null)
                {
                    _state.TryRemove((type, id, key), out _);
                }
                else
                {
                    _state[(type, id, key)] = json;
                }

                if (json is null || ttl is null)
                {
                    _stateTtls.TryRemove((type, id, key), out _);
                }
                else
                {
                    _stateTtls[(type, id, key)] = ttl;
                }
            }
        }

        return Results.NoContent();
    }

    /// <summary>Body {"dueTime","period","ttl","data"(,"callback" for timers)}; data is kept as raw JSON
    /// (pkg/actors/api/reminders.go CreateReminderRequest.UnmarshalJSON). Only a hosted type may have
    /// reminders (ERR_ACTOR_REMINDER_NON_HOSTED).</summary>
    private async Task<IResult> Register(HttpContext context, string type, string id, string name,
        ConcurrentDictionary<(string, string, string), DaprReminder> registry, bool timer)
    {
        if (HostOf(type) is null)
        {
            return ErrorResult(HttpStatusCode.Forbidden, "ERR_ACTOR_REMINDER_NON_HOSTED", "operations on actor reminders are only possible on hosted actor types");
        }

        JsonObject body;
        try
        {
            body = JsonNode.Parse(await ReadBodyAsync(context.Request)) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException e)
        {
            return ErrorResult(HttpStatusCode.BadRequest, "ERR_MALFORMED_REQUEST", "failed deserializing HTTP body: " + e.Message);
        }

        registry[(type, id, name)] = new DaprReminder(type, id, name,
            Prop(body, "dueTime")?.GetValue<string>() ?? "",
            Prop(body, "period")?.GetValue<string>() ?? "",
            Prop(body, "ttl")?.GetValue<string>(),
            Prop(body, "data")?.ToJsonString(),
            timer ? Prop(body, "callback")?.GetValue<string>() : null);
        return Results.NoContent();
    }
}
