using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Seva.Actors.Storage.Sqlite;

/// <summary>Lets <c>dotnet ef migrations add --context SevaDbContext</c> build the SQLite model without
/// starting the app.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SevaDbContext>
{
    public SevaDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SevaDbContext>().UseSqlite("Data Source=design.db").Options);
}
