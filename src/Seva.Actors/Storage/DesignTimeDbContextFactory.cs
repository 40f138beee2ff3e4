using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Seva.Actors.Storage;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the app.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<SevaDbContext>
{
    public SevaDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SevaDbContext>().UseSqlite("Data Source=design.db").Options);
}
