using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Seva.Web.Features.AwsCompat;

/// <summary>Binds <c>Seva:AwsCompat:Http2Url</c> beside the usual URLs (<c>--urls</c>, <c>ASPNETCORE_URLS</c>,
/// <c>ASPNETCORE_HTTP_PORTS</c>). Kestrel binds either addresses or endpoints declared in code, never both,
/// so the h2c URL joins the addresses: added here, before the web host copies the configured URLs (it does so
/// only when none are set yet, hence it adds them first itself), and made HTTP/2-only by its port in
/// <see cref="ConfigureProtocols"/>. Plaintext HTTP/2 must have an endpoint of its own: without TLS there is
/// no ALPN to choose the protocol, and an HTTP/1.1-and-2 plaintext endpoint speaks HTTP/1.1 only.</summary>
internal sealed class Http2Listener(IServer server, IConfiguration configuration, IOptions<AwsCompatOptions> options, ILogger<Http2Listener> logger)
    : IHostedLifecycleService
{
    private const string DefaultUrl = "http://localhost:5000";

    /// <summary>Kestrel's endpoint defaults: the h2c URL's port speaks HTTP/2 only.</summary>
    public static void ConfigureProtocols(KestrelServerOptions kestrel, AwsCompatOptions options)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Http2Port is not { } port)
        {
            return;
        }

        kestrel.ConfigureEndpointDefaults(listen =>
        {
            if (listen.IPEndPoint?.Port == port)
            {
                listen.Protocols = HttpProtocols.Http2;
            }
        });
    }

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        var url = options.Value.Http2Url;
        if (options.Value.Http2Port is null)
        {
            return Task.CompletedTask;
        }

        if (server.Features.Get<IServerAddressesFeature>() is not { Addresses.IsReadOnly: false } addresses)
        {
            logger.LogWarning("{Setting} is set but this server takes no addresses: the HTTP/2 endpoint is off", $"{AwsCompatOptions.SectionName}:Http2Url");
            return Task.CompletedTask;
        }

        if (configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
        {
            logger.LogWarning("Kestrel:Endpoints are configured, so Kestrel binds them instead of any URL, {Url} included: add an endpoint with Protocols Http2 for it there", url);
        }

        if (addresses.Addresses.Count == 0)
        {
            // What the web host would set from configuration, were no address set yet.
            foreach (var address in ConfiguredUrls(configuration))
            {
                addresses.Addresses.Add(address);
            }

            addresses.PreferHostingUrls = string.Equals(configuration[WebHostDefaults.PreferHostingUrlsKey], "true", StringComparison.OrdinalIgnoreCase)
                || configuration[WebHostDefaults.PreferHostingUrlsKey] == "1";
        }

        addresses.Addresses.Add(url!);
        logger.LogInformation("Amazon Transcribe Streaming (HTTP/2 without TLS) on {Url}", url);
        return Task.CompletedTask;
    }

    private static IEnumerable<string> ConfiguredUrls(IConfiguration configuration)
    {
        var urls = configuration[WebHostDefaults.ServerUrlsKey];
        if (!string.IsNullOrWhiteSpace(urls))
        {
            return urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        static IEnumerable<string> Ports(string? ports, string scheme) =>
            (ports ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"{scheme}://*:{p}");

        var fromPorts = Ports(configuration[WebHostDefaults.HttpPortsKey], "http").Concat(Ports(configuration[WebHostDefaults.HttpsPortsKey], "https")).ToList();
        return fromPorts.Count > 0 ? fromPorts : [DefaultUrl];
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
