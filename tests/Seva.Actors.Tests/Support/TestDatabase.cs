using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Seva.Actors.Storage;

namespace Seva.Actors.Tests.Support;

/// <summary>A fresh, migrated records database on the provider given: a SQLite file, or a database of its
/// own on the PostgreSQL server the test script starts (<c>SEVA_TEST_POSTGRES</c>). Dropped on disposal.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "SEVA_TEST_POSTGRES";

    private readonly string? _directory;
    private readonly string? _adminConnection;
    private readonly string? _database;

    private TestDatabase(DatabaseProvider provider, string connectionString, string? directory, string? adminConnection, string? database)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _directory = directory;
        _adminConnection = adminConnection;
        _database = database;
        var connection = new DatabaseConnection(
            Options.Create(new DatabaseOptions { Provider = provider, ConnectionString = connectionString }),
            Options.Create(new StorageOptions()));
        Contexts = new SevaDbContextFactory(connection);
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    public IDbContextFactory<SevaDbContext> Contexts { get; }

    /// <summary>The PostgreSQL server's superuser connection, or a visible skip when the suite runs
    /// without the test script's servers.</summary>
    public static string PostgresAdminConnection()
    {
        var connection = Environment.GetEnvironmentVariable(PostgresVariable);
        Skip.If(string.IsNullOrWhiteSpace(connection), $"{PostgresVariable} is not set: scripts/test starts a throwaway PostgreSQL server and sets it");
        return connection!;
    }

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider)
    {
        var database = await CreateEmptyAsync(provider);
        await using var db = await database.Contexts.CreateDbContextAsync();
        await db.Database.MigrateAsync();
        return database;
    }

    /// <summary>A database with no schema yet, as a first start finds it.</summary>
    public static async Task<TestDatabase> CreateEmptyAsync(DatabaseProvider provider)
    {
        TestDatabase database;
        if (provider == DatabaseProvider.PostgreSql)
        {
            var admin = PostgresAdminConnection();
            var name = "seva_test_" + Guid.NewGuid().ToString("N");
            await using (var source = NpgsqlDataSource.Create(admin))
            await using (var create = source.CreateCommand($"CREATE DATABASE {name}"))
            {
                await create.ExecuteNonQueryAsync();
            }

            var connection = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
            database = new TestDatabase(provider, connection, null, admin, name);
        }
        else
        {
            var directory = Path.Combine(Path.GetTempPath(), "seva-db-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            database = new TestDatabase(provider, $"Data Source={Path.Combine(directory, "seva.db")}", directory, null, null);
        }

        return database;
    }

    public async ValueTask DisposeAsync()
    {
        if (_adminConnection is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var source = NpgsqlDataSource.Create(_adminConnection);
            await using var drop = source.CreateCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");
            await drop.ExecuteNonQueryAsync();
        }

        if (_directory is not null)
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
