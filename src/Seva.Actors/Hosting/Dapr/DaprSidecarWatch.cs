using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Seva.Actors.Hosting.Dapr;

/// <summary>Seva serves its Dapr endpoints before a sidecar answers (the sidecar reads /dapr/config from
/// the app as it starts); this says in the log that it waits for one, and when one answers.</summary>
internal sealed class DaprSidecarWatch(IOptions<HostingOptions> hosting, TimeProvider time, ILogger<DaprSidecarWatch> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sidecar = hosting.Value.Dapr.ResolveHttpEndpoint();
        // Its own client: the factory's would log every probe at Information while no sidecar answers.
        using var client = new HttpClient { Timeout = Period };
        logger.LogInformation("Dapr mode ({Roles}): waiting for the Dapr sidecar at {Sidecar}", hosting.Value.Roles, sidecar);
        using var timer = new PeriodicTimer(Period, time);
        do
        {
            try
            {
                using var response = await client.GetAsync($"{sidecar}/v1.0/healthz/outbound", stoppingToken);
                if (response.IsSuccessStatusCode)
                {
                    logger.LogInformation("The Dapr sidecar at {Sidecar} answers", sidecar);
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogDebug("No Dapr sidecar at {Sidecar} yet: {Reason}", sidecar, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
