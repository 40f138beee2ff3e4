using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Seva.Web.Features.Accounts.PostgreSql;

/// <summary>The accounts model on PostgreSQL: same entities, its own migrations (in this folder).</summary>
public sealed class PostgreSqlAccountsDbContext(DbContextOptions<PostgreSqlAccountsDbContext> options) : AccountsDbContext(options);

/// <summary>Lets <c>dotnet ef migrations add --context PostgreSqlAccountsDbContext</c> build the model
/// without a server.</summary>
internal sealed class PostgreSqlAccountsDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlAccountsDbContext>
{
    public PostgreSqlAccountsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgreSqlAccountsDbContext>()
            .UseNpgsql("Host=localhost;Database=seva_design", o => o.MigrationsHistoryTable(AccountsDbContext.MigrationsHistoryTable))
            .Options);
}
