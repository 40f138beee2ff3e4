using Seva.Web.Tests.Support;

namespace Seva.Web.Tests.Dapr.Support;

/// <summary>Seva split the way Dapr runs it: a web host (sockets, pages) and an actor host (sessions,
/// engines), separate apps that meet only through the sidecar double. Records and audio are shared
/// storage in a real deployment (PostgreSQL and S3): here one data directory, the actor host's.</summary>
public sealed class DaprCluster : IAsyncDisposable
{
    private readonly List<SevaServer> _added = [];

    private DaprCluster(DaprSidecarDouble sidecar)
    {
        Sidecar = sidecar;
    }

    public DaprSidecarDouble Sidecar { get; }

    /// <summary>The actor host, app id <c>seva-actors</c>.</summary>
    public SevaServer Actors { get; private set; } = null!;

    /// <summary>The web host, app id <c>seva-web-1</c>.</summary>
    public SevaServer Web { get; private set; } = null!;

    public static async Task<DaprCluster> StartAsync()
    {
        var sidecar = await DaprSidecarDouble.StartAsync();
        sidecar.ActorStateTtlEnabled = true; // as dapr/config.yaml turns daprd's ActorStateTTL on
        var cluster = new DaprCluster(sidecar);
        cluster.Actors = new SevaServer(cluster.Settings("Actors", "actors-1"));
        cluster.Web = new SevaServer(cluster.Settings("Web", "web-1", cluster.Actors.DataDirectory));
        await sidecar.ConnectAppAsync("seva-actors", cluster.Actors.BaseAddress);
        await sidecar.ConnectAppAsync("seva-web-1", cluster.Web.BaseAddress);
        return cluster;
    }

    /// <summary>Another host on the same storage, connected to the sidecar as <paramref name="appId"/>;
    /// disposed with the cluster.</summary>
    public async Task<SevaServer> AddHostAsync(string appId, string roles, string hostId)
    {
        var server = new SevaServer(Settings(roles, hostId, Actors.DataDirectory));
        _added.Add(server);
        await Sidecar.ConnectAppAsync(appId, server.BaseAddress);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _added)
        {
            await server.DisposeAsync();
        }

        await Web.DisposeAsync();
        await Actors.DisposeAsync();
        await Sidecar.DisposeAsync();
    }

    private Dictionary<string, string?> Settings(string roles, string hostId, string? dataDirectory = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Seva:Hosting:Mode"] = "Dapr",
            ["Seva:Hosting:Dapr:AllowWithoutAppToken"] = "true", // the test's sidecar double sends no token
            ["Seva:Hosting:Roles"] = roles,
            ["Seva:Hosting:Dapr:HttpEndpoint"] = Sidecar.HttpEndpoint,
            ["Seva:Hosting:Dapr:CheckInterval"] = "00:00:01",
            ["Seva:Database:HostId"] = hostId,
        };
        if (dataDirectory is not null)
        {
            settings["Seva:DataDirectory"] = dataDirectory;
        }

        return settings;
    }
}
