using Microsoft.EntityFrameworkCore;
using Seva.Actors.Storage.PostgreSql;

namespace Seva.Actors.Storage;

/// <summary>Makes record contexts for the configured provider: its own context type, so that migrating
/// applies that provider's migrations.</summary>
public sealed class SevaDbContextFactory : IDbContextFactory<SevaDbContext>
{
    private readonly Func<SevaDbContext> _create;

    public SevaDbContextFactory(DatabaseConnection database)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (database.Provider == DatabaseProvider.PostgreSql)
        {
            var options = database.Options<PostgreSqlSevaDbContext>();
            _create = () => new PostgreSqlSevaDbContext(options);
        }
        else
        {
            var options = database.Options<SevaDbContext>();
            _create = () => new SevaDbContext(options);
        }
    }

    public SevaDbContext CreateDbContext() => _create();
}
