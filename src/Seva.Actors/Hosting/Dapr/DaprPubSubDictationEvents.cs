using System.Net.Http.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Seva.Actors.Contracts;
using Seva.Actors.Fanout;

namespace Seva.Actors.Hosting.Dapr;

/// <summary>The fan-out between hosts: each event is published to the topic of the web host holding its
/// follower (<see cref="Topics.ForWebHost"/>) through the sidecar's publish API; an event for a
/// follower in this very process is handed over directly.</summary>
/// <remarks>One loop publishes in order; the receiving host still reorders by sequence, because pub/sub
/// delivery may not keep it. A publish that fails is retried a few times, then dropped and logged: the
/// record keeps the transcript whatever reaches the socket.</remarks>
public sealed class DaprPubSubDictationEvents(
    IHttpClientFactory clients,
    DictationFollowers followers,
    IOptions<HostingOptions> hosting,
    ILogger<DaprPubSubDictationEvents> logger) : BackgroundService, IDictationEventSink
{
    private const int Attempts = 3;
    private readonly Channel<DictationEventEnvelope> _queue = Channel.CreateUnbounded<DictationEventEnvelope>(new UnboundedChannelOptions { SingleReader = true });

    public void Send(FollowerAddress to, DictationEvent dictationEvent)
    {
        ArgumentNullException.ThrowIfNull(to);
        if (hosting.Value.RunsWeb && to.HostId == followers.HostId)
        {
            followers.Deliver(to, dictationEvent);
            return;
        }

        _queue.Writer.TryWrite(new DictationEventEnvelope(to, dictationEvent));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var client = clients.CreateClient(nameof(DaprPubSubDictationEvents));
        var sidecar = hosting.Value.Dapr.ResolveHttpEndpoint();
        var pubsub = Uri.EscapeDataString(hosting.Value.Dapr.PubSubName);
        await foreach (var envelope in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            var url = $"{sidecar}/v1.0/publish/{pubsub}/{Uri.EscapeDataString(Topics.ForWebHost(envelope.To.HostId))}";
            for (var attempt = 1; attempt <= Attempts; attempt++)
            {
                try
                {
                    using var response = await client.PostAsJsonAsync(url, envelope, DaprJson.Options, stoppingToken);
                    response.EnsureSuccessStatusCode();
                    break;
                }
                catch (HttpRequestException ex) when (attempt < Attempts)
                {
                    logger.LogWarning(ex, "Publishing an event of session {SessionId} failed; retrying", envelope.Event.SessionId);
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), stoppingToken);
                }
                catch (HttpRequestException ex)
                {
                    logger.LogError(ex, "Dropped event {Sequence} of session {SessionId}: the sidecar would not publish it", envelope.Event.Sequence, envelope.Event.SessionId);
                }
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
    public static System.Text.Json.JsonSerializerOptions Options { get; } = new(System.Text.Json.JsonSerializerDefaults.Web);
}
