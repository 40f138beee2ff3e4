using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Seva.Actors.Storage;

/// <summary>The configured database, resolved once: provider, connection string, and how to point a
/// context's options at it. Records and accounts share it (each context with its own migrations history).</summary>
public sealed class DatabaseConnection(IOptions<DatabaseOptions> database, IOptions<StorageOptions> storage)
{
    public DatabaseProvider Provider { get; } = database.Value.Provider;

    public string ConnectionString { get; } = database.Value.Provider switch
    {
        DatabaseProvider.PostgreSql => database.Value.ConnectionString!,
        _ => !string.IsNullOrWhiteSpace(database.Value.ConnectionString)
            ? database.Value.ConnectionString
            : storage.Value.SqliteConnectionString,
    };

    /// <summary>Options for <typeparamref name="TContext"/> on the configured provider; the caller picks
    /// the provider's context type, since each provider's migrations belong to their own type.</summary>
    public DbContextOptions<TContext> Options<TContext>(string? migrationsHistoryTable = null)
        where TContext : DbContext
    {
        var builder = new DbContextOptionsBuilder<TContext>();
        switch (Provider)
        {
            case DatabaseProvider.PostgreSql:
                builder.UseNpgsql(ConnectionString, o =>
                {
                    if (migrationsHistoryTable is not null)
                    {
                        o.MigrationsHistoryTable(migrationsHistoryTable);
                    }
                });
                break;
            default:
                builder.UseSqlite(ConnectionString, o =>
                {
                    if (migrationsHistoryTable is not null)
                    {
                        o.MigrationsHistoryTable(migrationsHistoryTable);
                    }
                });
                break;
        }

        return builder.Options;
    }
}
