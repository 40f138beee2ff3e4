using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Seva.Actors.Storage;

/// <summary>Ready when the records database answers a query on the transcriptions table (so the
/// schema is migrated too).</summary>
public sealed class DatabaseHealthCheck(IDbContextFactory<SevaDbContext> contexts) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var inProgress = await db.Transcriptions.CountAsync(t => t.Status == TranscriptionStatus.InProgress, cancellationToken);
            return HealthCheckResult.Healthy(
                $"{db.Database.ProviderName} answers",
                new Dictionary<string, object> { ["in_progress_records"] = inProgress });
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The records database does not answer: " + ex.Message, ex);
        }
    }
}

/// <summary>Ready when a small object can be written to the audio store and removed again (for S3: a PUT and
/// a DELETE in the bucket, so a missing bucket or wrong credentials show here, named in the description).</summary>
/// <remarks>The probe key's leading '.' segment can never be a user's folder (see <see cref="AudioKey.SafeUserId"/>).</remarks>
public sealed class AudioStoreHealthCheck(IAudioStore store) : IHealthCheck
{
    private static readonly byte[] Probe = "seva health probe"u8.ToArray();

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var key = $"{store.KeyPrefix}.health/{Guid.NewGuid():N}.probe";
        try
        {
            await using (var writer = await store.CreateAsync(key, cancellationToken))
            {
                await writer.WriteAsync(Probe, cancellationToken);
                await writer.CompleteAsync(cancellationToken);
            }

            await store.DeleteAsync(key, cancellationToken);
            return HealthCheckResult.Healthy("The audio store is writable");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The audio store is not writable: " + ex.Message, ex);
        }
    }
}
