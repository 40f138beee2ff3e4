using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Seva.Web.Features.Accounts;

/// <summary>Accounts and API keys, in the same database as the transcriptions (own migrations history).</summary>
public sealed class AccountsDbContext(DbContextOptions<AccountsDbContext> options) : IdentityDbContext<SevaUser>(options)
{
    public const string MigrationsHistoryTable = "__accounts_migrations";

    public DbSet<UserApiKey> ApiKeys => Set<UserApiKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        base.OnModelCreating(builder);
        var k = builder.Entity<UserApiKey>();
        k.ToTable("api_keys");
        k.HasKey(x => x.Id);
        k.Property(x => x.Id).HasColumnName("id");
        k.Property(x => x.UserId).HasColumnName("user_id").HasMaxLength(450);
        k.Property(x => x.Name).HasColumnName("name").HasMaxLength(100);
        k.Property(x => x.KeyHash).HasColumnName("key_hash").HasMaxLength(64);
        k.Property(x => x.Prefix).HasColumnName("prefix").HasMaxLength(16);
        k.Property(x => x.CreatedAt).HasColumnName("created_at");
        k.Property(x => x.RevokedAt).HasColumnName("revoked_at");
        k.HasIndex(x => x.KeyHash).IsUnique().HasDatabaseName("ix_api_keys_key_hash");
        k.HasIndex(x => x.UserId).HasDatabaseName("ix_api_keys_user_id");
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the app.</summary>
internal sealed class AccountsDesignTimeFactory : Microsoft.EntityFrameworkCore.Design.IDesignTimeDbContextFactory<AccountsDbContext>
{
    public AccountsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<AccountsDbContext>()
            .UseSqlite("Data Source=design.db", o => o.MigrationsHistoryTable(AccountsDbContext.MigrationsHistoryTable))
            .Options);
}
