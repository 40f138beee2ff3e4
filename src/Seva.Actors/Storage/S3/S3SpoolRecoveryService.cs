using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Seva.Actors.Storage.S3;

/// <summary>Uploads what a crash left in the spool before the host takes requests (hosted services start
/// before Kestrel listens; registered after the database start-up, which fails the crashed sessions' records),
/// so a FAILED record's audio plays as soon as the host is up. Spools that fail (the bucket is away too, as
/// after a power cut that took both down) are tried again every <see cref="RetryEvery"/> until stored.</summary>
/// <remarks>Spools are on this host's disk: only this host, started again on its data directory, recovers them.</remarks>
internal sealed class S3SpoolRecoveryService(IAudioStore audio, IOptions<StorageOptions> storage, TimeProvider time, ILogger<S3SpoolRecoveryService> logger) : IHostedService, IDisposable
{
    public static readonly TimeSpan RetryEvery = TimeSpan.FromMinutes(5);

    private readonly CancellationTokenSource _stopping = new();
    private Task _retrying = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (audio is not S3AudioStore s3)
        {
            var left = new S3Spool(S3Spool.DirectoryUnder(storage.Value.FullDataDirectory)).Ids().Count;
            if (left > 0)
            {
                logger.LogWarning("{Count} recordings a crash left in the S3 spool wait there until Seva runs with {Setting}={S3} again", left, AudioStoreOptions.SectionName + ":Provider", AudioStoreProviders.S3);
            }

            return;
        }

        var recovery = new S3SpoolRecovery(s3, logger);
        var result = await recovery.RecoverAsync(cancellationToken);
        logger.LogInformation("Recovered {Count} recordings a crash left in the spool; {Failed} could not be uploaded yet", result.Recovered, result.Failed.Count);
        if (result.Failed.Count > 0)
        {
            _retrying = RetryAsync(recovery, result.Failed, _stopping.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _retrying.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose() => _stopping.Dispose();

    /// <summary>Only the spools start-up found: those this process writes are its sessions' own.</summary>
    private async Task RetryAsync(S3SpoolRecovery recovery, IReadOnlyList<string> ids, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RetryEvery, time);
        while (ids.Count > 0 && await timer.WaitForNextTickAsync(stoppingToken))
        {
            var result = await recovery.RecoverAsync(ids, stoppingToken);
            ids = result.Failed;
            logger.LogInformation("Recovered {Count} more recordings from the spool; {Failed} still wait", result.Recovered, ids.Count);
        }
    }
}
