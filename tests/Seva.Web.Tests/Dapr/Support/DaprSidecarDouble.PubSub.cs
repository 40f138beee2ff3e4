using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Seva.Web.Tests.Dapr.Support;

/// <summary>Pub/sub over HTTP: POST /v1.0/publish/{pubsub}/{topic} (pkg/api/http/http.go onPublish, the
/// envelope of components-contrib pubsub/envelope.go), delivered to every subscribed app's route as
/// a CloudEvent POST (pkg/runtime/subscription/subscription.go, postman/http/http.go), in order per
/// app and topic.</summary>
public sealed partial class DaprSidecarDouble
{
    private readonly ConcurrentQueue<DaprPublishedMessage> _published = new();
    private readonly ConcurrentQueue<DaprDelivery> _deliveries = new();
    private readonly ConcurrentDictionary<(string App, string Pubsub, string Topic), Channel<DaprPublishedMessage>> _queues = new();

    public IReadOnlyList<DaprPublishedMessage> Published => [.. _published];

    /// <summary>Every POST to an app's route, retries included, in the order they were made.</summary>
    public IReadOnlyList<DaprDelivery> Deliveries => [.. _deliveries];

    /// <summary>Publishes as an app would through its sidecar (same path as POST /v1.0/publish).</summary>
    public void Publish(DaprPublishedMessage message)
    {
        _published.Enqueue(message);
        foreach (var app in _apps.Values)
        {
            foreach (var subscription in app.Subscriptions.Where(s => s.PubsubName == message.PubsubName && s.Topic == message.Topic))
            {
                var queue = _queues.GetOrAdd((app.AppId, message.PubsubName, message.Topic), key =>
                {
                    var channel = Channel.CreateUnbounded<DaprPublishedMessage>(new UnboundedChannelOptions { SingleReader = true });
                    _ = Task.Run(() => DeliverAllAsync(app, subscription, channel.Reader));
                    return channel;
                });
                queue.Writer.TryWrite(message);
            }
        }
    }

    private void MapPubSub(WebApplication server) =>
        server.MapPost("/v1.0/publish/{pubsub}/{**topic}", OnPublish);

    private async Task<IResult> OnPublish(HttpContext context, string pubsub, string topic)
    {
        if (!PubsubNames.Contains(pubsub))
        {
            return ErrorResult(HttpStatusCode.NotFound, "ERR_PUBSUB_NOT_FOUND", $"pubsub {pubsub} is not found");
        }

        var body = await ReadBodyAsync(context.Request);
        // Metadata rides in the query string as metadata.{key}=value.
        var metadata = context.Request.Query
            .Where(q => q.Key.StartsWith("metadata.", StringComparison.Ordinal))
            .ToDictionary(q => q.Key["metadata.".Length..], q => q.Value.ToString(), StringComparer.Ordinal);
        var raw = metadata.TryGetValue("rawPayload", out var r) && bool.TryParse(r, out var on) && on;
        var contentType = context.Request.ContentType;
        var data = raw ? body : Envelope(body, contentType ?? "", topic, pubsub, metadata, context.Request.Headers);
        Publish(new DaprPublishedMessage(pubsub, topic, data, raw, contentType));
        return Results.NoContent();
    }

    /// <summary>The CloudEvent daprd wraps a published body in. Go's json.Marshal writes map keys in
    /// order, hence the sorted object.</summary>
    private byte[] Envelope(byte[] body, string contentType, string topic, string pubsub, Dictionary<string, string> metadata, IHeaderDictionary headers)
    {
        var traceparent = metadata.GetValueOrDefault("cloudevent.traceparent") ?? headers["traceparent"].FirstOrDefault() ?? NewTraceparent();
        var tracestate = headers["tracestate"].FirstOrDefault() ?? "";
        var ce = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (IsType(contentType, "application/cloudevents+json"))
        {
            // An app's own CloudEvent is kept; daprd fills in what it lacks and sets topic and pubsubname.
            foreach (var (key, value) in JsonNode.Parse(body)!.AsObject())
            {
                ce[key] = value?.DeepClone();
            }

            ce.TryAdd("time", Rfc3339Now());
            if (!ce.ContainsKey("traceid"))
            {
                ce["traceid"] = traceparent;
                ce["traceparent"] = traceparent;
            }

            ce.TryAdd("tracestate", tracestate);
            ce["topic"] = topic;
            ce["pubsubname"] = pubsub;
            ce.TryAdd("source", "Dapr");
            ce.TryAdd("type", "com.dapr.event.sent");
            ce.TryAdd("specversion", "1.0");
            return JsonSerializer.SerializeToUtf8Bytes(ce);
        }

        var dataContentType = contentType.Length == 0 ? "text/plain" : contentType;
        ce["id"] = metadata.GetValueOrDefault("cloudevent.id") ?? Guid.NewGuid().ToString();
        ce["specversion"] = "1.0";
        ce["datacontenttype"] = dataContentType;
        ce["source"] = metadata.GetValueOrDefault("cloudevent.source") ?? AppId;
        ce["type"] = metadata.GetValueOrDefault("cloudevent.type") ?? "com.dapr.event.sent";
        ce["topic"] = topic;
        ce["pubsubname"] = pubsub;
        ce["traceid"] = traceparent;
        ce["traceparent"] = traceparent;
        ce["tracestate"] = tracestate;
        ce["time"] = Rfc3339Now();
        if (metadata.GetValueOrDefault("cloudevent.subject") is { } subject)
        {
            ce["subject"] = subject;
        }

        if (IsType(dataContentType, "application/json"))
        {
            try
            {
                ce["data"] = JsonNode.Parse(body);
            }
            catch (JsonException)
            {
                ce["data"] = Encoding.UTF8.GetString(body); // daprd keeps unparsable "JSON" as a string
            }
        }
        else if (IsType(dataContentType, "application/octet-stream"))
        {
            ce["data_base64"] = Convert.ToBase64String(body);
        }
        else
        {
            ce["data"] = Encoding.UTF8.GetString(body);
        }

        return JsonSerializer.SerializeToUtf8Bytes(ce);
    }

    private async Task DeliverAllAsync(DaprApp app, DaprSubscription subscription, ChannelReader<DaprPublishedMessage> queue)
    {
        try
        {
            await foreach (var message in queue.ReadAllAsync(_stopping.Token))
            {
                await DeliverAsync(app, subscription, message, _stopping.Token);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The double is being disposed.
        }
    }

    private async Task DeliverAsync(DaprApp app, DaprSubscription subscription, DaprPublishedMessage message, CancellationToken cancellationToken)
    {
        var path = subscription.Path;
        if (path is null)
        {
            return; // only CEL rules, which the double does not evaluate: daprd would skip the event too
        }

        // A raw-payload subscriber gets the bytes wrapped on its side (FromRawPayload); every other
        // subscriber gets the bytes as published, i.e. the envelope.
        var body = subscription.RawPayload ? RawPayloadEnvelope(message) : message.Data;
        string? traceparent = null;
        try
        {
            traceparent = JsonNode.Parse(body)?["traceparent"]?.GetValue<string>();
        }
        catch (JsonException)
        {
            // Not JSON (a raw payload to a CloudEvent subscriber): daprd could not deliver it either.
        }

        for (var attempt = 1; attempt <= DeliveryAttempts; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path.TrimStart('/'), UriKind.Relative))
            {
                Content = new ByteArrayContent(body),
            };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/cloudevents+json");
            request.Headers.TryAddWithoutValidation("pubsubname", message.PubsubName);
            if (traceparent is not null)
            {
                request.Headers.TryAddWithoutValidation("traceparent", traceparent);
            }

            int status;
            string answer;
            try
            {
                using var response = await app.Client.SendAsync(request, cancellationToken);
                status = (int)response.StatusCode;
                answer = await response.Content.ReadAsStringAsync(cancellationToken);
            }
            catch (HttpRequestException)
            {
                status = 0;
                answer = "";
            }

            var outcome = Outcome(status, answer);
            _deliveries.Enqueue(new DaprDelivery(app.AppId, message.PubsubName, message.Topic, path, Encoding.UTF8.GetString(body), attempt, status, outcome));
            if (outcome != DaprDeliveryOutcome.Retry)
            {
                return;
            }

            await Task.Delay(DeliveryRetryDelay, cancellationToken);
        }
    }

    /// <summary>2xx with {"status":"SUCCESS"}, an empty or unreadable body, or no status: success;
    /// "RETRY" or an unknown status: retry; "DROP": drop; 404: drop; any other status: retry.</summary>
    private static DaprDeliveryOutcome Outcome(int status, string answer)
    {
        if (status is >= 200 and <= 299)
        {
            string? said;
            try
            {
                said = answer.Length == 0 ? null : JsonNode.Parse(answer)?["status"]?.GetValue<string>();
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                said = null;
            }

            return said switch
            {
                null or "" or "SUCCESS" => DaprDeliveryOutcome.Success,
                "DROP" => DaprDeliveryOutcome.Drop,
                _ => DaprDeliveryOutcome.Retry,
            };
        }

        return status == 404 ? DaprDeliveryOutcome.Drop : DaprDeliveryOutcome.Retry;
    }

    private static byte[] RawPayloadEnvelope(DaprPublishedMessage message) => JsonSerializer.SerializeToUtf8Bytes(
        new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["specversion"] = "1.0",
            ["datacontenttype"] = "application/octet-stream",
            ["source"] = "Dapr",
            ["type"] = "com.dapr.event.sent",
            ["topic"] = message.Topic,
            ["pubsubname"] = message.PubsubName,
            ["data_base64"] = Convert.ToBase64String(message.Data),
        });

    private static bool IsType(string contentType, string expected)
    {
        var bare = contentType.Split(';')[0].Trim();
        return string.Equals(bare, expected, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Go's time.RFC3339: seconds, and "Z" for UTC.</summary>
    private static string Rfc3339Now()
    {
        var now = DateTimeOffset.Now;
        return now.ToString(now.Offset == TimeSpan.Zero ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
    }

    private static string NewTraceparent() =>
        $"00-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-01";
}
