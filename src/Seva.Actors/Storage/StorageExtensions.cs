using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Seva.Actors.Hosting;

namespace Seva.Actors.Storage;

public static class StorageExtensions
{
    /// <summary>Embedded storage: SQLite records and audio files under the data directory.</summary>
    public static IServiceCollection AddSevaStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddDbContextFactory<SevaDbContext>((sp, db) =>
            db.UseSqlite(sp.GetRequiredService<IOptions<StorageOptions>>().Value.SqliteConnectionString));
        services.AddSingleton<TranscriptionStore>();
        services.AddSingleton<IAudioStore, FileAudioStore>();
        services.AddHostedService<DatabaseStartup>();
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
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }

            var failed = await store.FailAbandonedAsync(cancellationToken);
            if (failed > 0)
            {
                logger.LogWarning("Marked {Count} transcriptions left in progress by an earlier stop as FAILED", failed);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
