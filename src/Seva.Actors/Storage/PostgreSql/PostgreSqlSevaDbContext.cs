using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Seva.Actors.Storage.PostgreSql;

/// <summary>The records model on PostgreSQL: same entities, its own migrations (in this folder).</summary>
public sealed class PostgreSqlSevaDbContext(DbContextOptions<PostgreSqlSevaDbContext> options) : SevaDbContext(options);

/// <summary>Lets <c>dotnet ef migrations add --context PostgreSqlSevaDbContext</c> build the model without
/// a server (adding a migration does not connect).</summary>
internal sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlSevaDbContext>
{
    public PostgreSqlSevaDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgreSqlSevaDbContext>().UseNpgsql("Host=localhost;Database=seva_design").Options);
}
