using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Seva.Actors.Contracts;
using Seva.Actors.Fanout;

namespace Seva.Actors.Hosting.Dapr;

/// <summary>What travels on a web host's topic: a dictation event or a broadcast event.</summary>
public sealed record SevaEventEnvelope(DictationEventEnvelope? Dictation = null, BroadcastEventEnvelope? Broadcast = null);

/// <summary>The fan-out between hosts: each event is published to the topic of the web host holding its
/// follower (<see cref="Topics.ForWebHost"/>) through the sidecar's publish API; an event for a follower in
/// this very process is handed over directly.</summary>
/// <remarks>One loop publishes in order; receiving hosts still reorder by sequence, because pub/sub may
/// not keep it. A broadcast caption or utterance for many listeners on one host goes as one message
/// naming them all (the broadcast sends the same event object to each in one turn), so translation and
/// speech cross the network once per language and host. A publish that fails is retried a few times,
/// then dropped and logged: records keep the transcript whatever reaches a socket.</remarks>
public sealed class DaprPubSubEvents(
    IHttpClientFactory clients,
    DictationFollowers dictationFollowers,
    BroadcastFollowers broadcastFollowers,
    IOptions<HostingOptions> hosting,
    ILogger<DaprPubSubEvents> logger) : BackgroundService, IDictationEventSink, IBroadcastEventSink
{
    private const int Attempts = 3;

    /// <summary>Events waiting to be published. While pub/sub is down they pile up; past this the oldest
    /// go (receivers skip the gap), rather than memory growing until the host falls over.</summary>
    private const int MaxQueued = 10_000;

    private readonly Channel<(string HostId, SevaEventEnvelope Envelope)> _queue = Channel.CreateBounded<(string, SevaEventEnvelope)>(
        new BoundedChannelOptions(MaxQueued) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });

    public void Send(FollowerAddress to, DictationEvent dictationEvent)
    {
        ArgumentNullException.ThrowIfNull(to);
        if (IsLocal(to))
        {
            dictationFollowers.Deliver(to, dictationEvent);
            return;
        }

        _queue.Writer.TryWrite((to.HostId, new SevaEventEnvelope(Dictation: new DictationEventEnvelope(to, dictationEvent))));
    }

    public void Send(FollowerAddress to, long sequence, BroadcastEvent broadcastEvent)
    {
        ArgumentNullException.ThrowIfNull(to);
        if (IsLocal(to))
        {
            broadcastFollowers.Deliver(to.ConnectionId, sequence, broadcastEvent);
            return;
        }

        _queue.Writer.TryWrite((to.HostId, new SevaEventEnvelope(Broadcast: new BroadcastEventEnvelope(to.HostId, [new BroadcastTarget(to.ConnectionId, sequence)], broadcastEvent))));
    }

    private bool IsLocal(FollowerAddress to) => hosting.Value.RunsWeb && to.HostId == dictationFollowers.HostId;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var client = clients.CreateClient(nameof(DaprPubSubEvents));
        client.Timeout = TimeSpan.FromSeconds(10); // a sidecar that hangs must not hold every later event for 100 s
        var sidecar = hosting.Value.Dapr.ResolveHttpEndpoint();
        var pubsub = Uri.EscapeDataString(hosting.Value.Dapr.PubSubName);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync(stoppingToken))
        {
            while (reader.TryRead(out var next))
            {
                var (hostId, envelope) = (next.HostId, Coalesce(next.Envelope, reader));
                var url = $"{sidecar}/v1.0/publish/{pubsub}/{Uri.EscapeDataString(Topics.ForWebHost(hostId))}";
                await PublishAsync(client, url, envelope, stoppingToken);
            }
        }
    }

    /// <summary>Folds the queued copies of one broadcast event for the same host into one message.</summary>
    private static SevaEventEnvelope Coalesce(SevaEventEnvelope first, ChannelReader<(string HostId, SevaEventEnvelope Envelope)> reader)
    {
        if (first.Broadcast is not { } broadcast)
        {
            return first;
        }

        var targets = new List<BroadcastTarget>(broadcast.Targets);
        while (reader.TryPeek(out var queued)
            && queued.Envelope.Broadcast is { } same
            && same.HostId == broadcast.HostId
            && Payload(same.Event) is { } payload
            && ReferenceEquals(payload, Payload(broadcast.Event))
            && reader.TryRead(out _))
        {
            targets.AddRange(same.Targets);
        }

        return new SevaEventEnvelope(Broadcast: broadcast with { Targets = targets });
    }

    /// <summary>The object a broadcast hands every connection of a language alike (a status is the speaker's own).</summary>
    private static object? Payload(BroadcastEvent e) => (object?)e.Caption ?? (object?)e.Speech?.Samples ?? (object?)e.State ?? e.EndedReason;

    private async Task PublishAsync(HttpClient client, string url, SevaEventEnvelope envelope, CancellationToken stoppingToken)
    {
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            try
            {
                using var response = await client.PostAsJsonAsync(url, envelope, DaprJson.Options, stoppingToken);
                response.EnsureSuccessStatusCode();
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested && attempt < Attempts)
            {
                logger.LogWarning(ex, "Publishing to {Url} failed; retrying", url);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Whatever failed (timeout, serialisation), this event is dropped and the loop goes on:
                // one event must not stop the host's fan-out for every other socket.
                logger.LogError(ex, "Dropped an event: the sidecar would not publish it to {Url}", url);
            }
        }
    }
}

/// <summary>The pub/sub topics Seva uses.</summary>
public static class Topics
{
    /// <summary>Each web host has its own topic, so every host gets exactly the events of the sockets it
    /// holds (one shared topic would need a consumer group per host to stop hosts splitting events).</summary>
    public static string ForWebHost(string hostId) => "seva-web-" + hostId;
}

/// <summary>JSON as Dapr's actor runtime and proxies use it (web defaults: camelCase, case-insensitive).</summary>
public static class DaprJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
