using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Seva.Actors.Hosting;
using Seva.Actors.Storage.S3;

namespace Seva.Actors.Storage;

public static class StorageExtensions
{
    /// <summary>Records in SQLite (default) or PostgreSQL, audio as files (default) or in S3.</summary>
    public static IServiceCollection AddSevaStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();
        services.AddSingleton<DatabaseConnection>();
        services.AddSingleton<IDbContextFactory<SevaDbContext>, SevaDbContextFactory>();
        services.AddSingleton(sp => RecordLease.From(sp.GetRequiredService<IOptions<DatabaseOptions>>(), sp.GetRequiredService<IOptions<StorageOptions>>()));
        services.AddSingleton<TranscriptionStore>();
        services.AddSevaAudioStore();
        services.AddHostedService<DatabaseStartup>();
        services.AddHostedService<S3SpoolRecoveryService>(); // after DatabaseStartup: hosted services start in order
        services.AddHostedService<LeaseRenewal>();
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [HealthTags.Ready])
            .AddCheck<AudioStoreHealthCheck>("audio_store", tags: [HealthTags.Ready]);
        return services;
    }

    /// <summary>Creates the data directory, migrates the schema, and fails records a crash left open,
    /// before the server takes requests (hosted services start before Kestrel listens).</summary>
    private sealed class DatabaseStartup(
        IDbContextFactory<SevaDbContext> contexts,
        TranscriptionStore store,
        IOptions<StorageOptions> options,
        ILogger<DatabaseStartup> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            Directory.CreateDirectory(options.Value.FullDataDirectory);
            await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            {
                await db.Database.MigrateAsync(cancellationToken);
                if (db.Database.IsSqlite())
                {
                    // Readers (history pages) then never wait for the writer (a session saving progress).
                    await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
                }
            }

            var failed = await store.FailAbandonedAsync(cancellationToken);
            if (failed > 0)
            {
                logger.LogWarning("Marked {Count} transcriptions left in progress by an earlier stop as FAILED", failed);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Keeps this host's claim on its open records and fails the records of hosts that stopped
    /// keeping theirs, so a crashed host's sessions end up FAILED without waiting for it to come back.</summary>
    private sealed class LeaseRenewal(TranscriptionStore store, TimeProvider time, ILogger<LeaseRenewal> logger) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            using var timer = new PeriodicTimer(store.Lease.RenewEvery, time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var failed = await store.RenewLeasesAsync(stoppingToken);
                    if (failed > 0)
                    {
                        logger.LogWarning("Marked {Count} transcriptions of hosts that stopped renewing their lease as FAILED", failed);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The database is away: the next tick tries again; finishing sessions retry on their own.
                    logger.LogWarning(ex, "Renewing this host's record leases failed");
                }
            }
        }
    }
}
