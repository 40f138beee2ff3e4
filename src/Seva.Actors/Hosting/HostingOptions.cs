using System.ComponentModel.DataAnnotations;

namespace Seva.Actors.Hosting;

/// <summary>Which actor host runs the sessions (<c>Seva:Hosting</c>).</summary>
public sealed class HostingOptions
{
    public const string SectionName = "Seva:Hosting";

    /// <summary><see cref="HostingMode.InProcess"/> (default: one machine) or <see cref="HostingMode.Dapr"/>.</summary>
    public HostingMode Mode { get; set; } = HostingMode.InProcess;

    /// <summary>In Dapr mode, what this process does: <c>Web</c> (sockets, pages), <c>Actors</c>
    /// (sessions and their engines) or both (<c>Web,Actors</c>).</summary>
    public HostingRoles Roles { get; set; } = HostingRoles.Web | HostingRoles.Actors;

    [Required]
    public DaprHostingOptions Dapr { get; set; } = new();

    public bool RunsActors => Mode == HostingMode.InProcess || Roles.HasFlag(HostingRoles.Actors);

    public bool RunsWeb => Mode == HostingMode.InProcess || Roles.HasFlag(HostingRoles.Web);
}

public enum HostingMode
{
    InProcess,
    Dapr,
}

[Flags]
public enum HostingRoles
{
    None = 0,
    Web = 1,
    Actors = 2,
}

public sealed class DaprHostingOptions
{
    /// <summary>The pub/sub component carrying session events to web hosts (components/pubsub-redis.yaml).</summary>
    [Required]
    public string PubSubName { get; set; } = "seva-pubsub";

    /// <summary>The sidecar's HTTP API; empty: from <c>DAPR_HTTP_ENDPOINT</c> or <c>DAPR_HTTP_PORT</c>
    /// as the Dapr SDK reads them (default http://127.0.0.1:3500).</summary>
    public string? HttpEndpoint { get; set; }

    /// <summary>Dapr's app API token, which the sidecar sends with each call (header <c>dapr-api-token</c>);
    /// empty: <c>APP_API_TOKEN</c> from the environment, as daprd reads it.</summary>
    public string? AppApiToken { get; set; }

    /// <summary>The token in use: <see cref="AppApiToken"/>, else <c>APP_API_TOKEN</c>; null if neither.</summary>
    public string? ResolveAppApiToken() =>
        !string.IsNullOrEmpty(AppApiToken) ? AppApiToken
        : Environment.GetEnvironmentVariable("APP_API_TOKEN") is { Length: > 0 } token ? token
        : null;

    /// <summary>Serve the sidecar's endpoints without Dapr's app API token. They run sessions for whoever
    /// calls them, so only for an app port that nothing but its sidecar can reach.</summary>
    public bool AllowWithoutAppToken { get; set; }

    /// <summary>How often a running session's timers (idle timeout, resume window) are checked and its
    /// state saved to the actor state store.</summary>
    /// <remarks>Checked by HostingOptionsValidator (data annotations are not checked inside this nested section).</remarks>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan MinCheckInterval = TimeSpan.FromMilliseconds(100);

    public static readonly TimeSpan MaxCheckInterval = TimeSpan.FromMinutes(10);

    /// <summary>How long the actor state store keeps an ended broadcast's state (as a TTL): its id stays
    /// taken, so a listener's old link reaches no one else's broadcast, then becomes free again. A running
    /// broadcast's state expires this long after the broadcast would have. Needs daprd's ActorStateTTL
    /// feature (dapr/config.yaml); <c>00:00:00</c> keeps the state for good, for a sidecar without it.</summary>
    public TimeSpan EndedStateTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The longest <see cref="EndedStateTtl"/>: a year, well within daprd's ttlInSeconds (an int).</summary>
    public static readonly TimeSpan MaxEndedStateTtl = TimeSpan.FromDays(365);

    /// <summary>The sidecar's HTTP endpoint as configured or as the Dapr SDK finds it.</summary>
    public string ResolveHttpEndpoint()
    {
        if (!string.IsNullOrWhiteSpace(HttpEndpoint))
        {
            return HttpEndpoint.TrimEnd('/');
        }

        var endpoint = Environment.GetEnvironmentVariable("DAPR_HTTP_ENDPOINT");
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            return endpoint.TrimEnd('/');
        }

        var port = Environment.GetEnvironmentVariable("DAPR_HTTP_PORT");
        return $"http://127.0.0.1:{(string.IsNullOrWhiteSpace(port) ? "3500" : port)}";
    }
}
