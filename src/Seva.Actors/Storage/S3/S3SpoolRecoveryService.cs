using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Seva.Actors.Storage.S3;

/// <summary>Uploads what a crash left in the spool before the host takes requests (hosted services start
/// before Kestrel listens; registered after the database start-up, which fails the crashed sessions' records),
/// so a FAILED record's audio plays as soon as the host is up. Spools that fail (the bucket is away too, as
/// after a power cut that took both down) are tried again every <see cref="RetryEvery"/> until stored.</summary>
/// <remarks>Spools are on this host's disk: only this host, started again on its data directory, recovers them.</remarks>
internal sealed class S3SpoolRecoveryService(IAudioStore audio, IOptions<StorageOptions> storage, TimeProvider time, ILogger<S3SpoolRecoveryService> logger) : BackgroundService
{
    public static readonly TimeSpan RetryEvery = TimeSpan.FromMinutes(5);

    private S3SpoolRecovery? _recovery;
    private IReadOnlyList<string> _failed = [];
    private PeriodicTimer? _retry;

    /// <summary>The start-up pass, awaited before the host goes on; retries, if any, run in the background.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (audio is S3AudioStore s3)
        {
            _recovery = new S3SpoolRecovery(s3, logger);
            var result = await _recovery.RecoverAsync(cancellationToken);
            logger.LogInformation("Recovered {Count} recordings a crash left in the spool; {Failed} could not be uploaded yet", result.Recovered, result.Failed.Count);
            _failed = result.Failed;
            _retry = _failed.Count > 0 ? new PeriodicTimer(RetryEvery, time) : null; // made now, so it counts from start-up
        }
        else if (new S3Spool(S3Spool.DirectoryUnder(storage.Value.FullDataDirectory)).Ids() is { Count: > 0 } left)
        {
            logger.LogWarning("{Count} recordings a crash left in the S3 spool wait there until Seva runs with {Setting}={S3} again", left.Count, AudioStoreOptions.SectionName + ":Provider", AudioStoreProviders.S3);
        }

        await base.StartAsync(cancellationToken);
    }

    /// <summary>Only the spools start-up found: those this process writes are its sessions' own.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_retry is not { } timer || _recovery is null)
        {
            return;
        }

        using (timer)
        {
            while (_failed.Count > 0 && await timer.WaitForNextTickAsync(stoppingToken))
            {
                var result = await _recovery.RecoverAsync(_failed, stoppingToken);
                _failed = result.Failed;
                logger.LogInformation("Recovered {Count} more recordings from the spool; {Failed} still wait", result.Recovered, _failed.Count);
            }
        }
    }
}
