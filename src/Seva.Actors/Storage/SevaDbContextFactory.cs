using Microsoft.EntityFrameworkCore;
using Seva.Actors.Storage.PostgreSql;

namespace Seva.Actors.Storage;

/// <summary>Makes record contexts for the configured provider: its own context type, so that migrating
/// applies that provider's migrations.</summary>
public sealed class SevaDbContextFactory(DatabaseConnection database) : IDbContextFactory<SevaDbContext>
{
    private readonly Func<SevaDbContext> _create = database.ContextMaker<SevaDbContext, SevaDbContext, PostgreSqlSevaDbContext>(
        o => new SevaDbContext(o), o => new PostgreSqlSevaDbContext(o));

    public SevaDbContext CreateDbContext() => _create();
}
