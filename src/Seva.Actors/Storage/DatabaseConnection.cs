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

    /// <summary>Makes contexts of the configured provider's own type (<typeparamref name="TPostgreSql"/> on
    /// PostgreSQL, <typeparamref name="TSqlite"/> otherwise), so that migrating applies that provider's
    /// migrations; the options are built once.</summary>
    public Func<TContext> ContextMaker<TContext, TSqlite, TPostgreSql>(
        Func<DbContextOptions<TSqlite>, TSqlite> sqlite,
        Func<DbContextOptions<TPostgreSql>, TPostgreSql> postgreSql,
        string? migrationsHistoryTable = null)
        where TSqlite : TContext
        where TPostgreSql : TContext
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(sqlite);
        ArgumentNullException.ThrowIfNull(postgreSql);
        if (Provider == DatabaseProvider.PostgreSql)
        {
            var options = Options<TPostgreSql>(migrationsHistoryTable);
            return () => postgreSql(options);
        }

        var sqliteOptions = Options<TSqlite>(migrationsHistoryTable);
        return () => sqlite(sqliteOptions);
    }

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
