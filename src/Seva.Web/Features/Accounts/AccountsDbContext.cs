using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Seva.Actors.Storage;
using Seva.Web.Features.Accounts.PostgreSql;

namespace Seva.Web.Features.Accounts;

/// <summary>Accounts, API keys and the Data Protection keys that sign cookies, in the same database as the
/// transcriptions (own migrations history). This type carries the SQLite migrations; PostgreSQL's
/// subclass carries its own.</summary>
/// <remarks>The Data Protection keys live here rather than on one host's disk so that every host sharing
/// the database accepts the cookies and antiforgery tokens another host issued.</remarks>
public class AccountsDbContext : IdentityDbContext<SevaUser>, IDataProtectionKeyContext
{
    public const string MigrationsHistoryTable = "__accounts_migrations";

    public AccountsDbContext(DbContextOptions<AccountsDbContext> options)
        : base(options)
    {
    }

    protected AccountsDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<UserApiKey> ApiKeys => Set<UserApiKey>();

    public DbSet<UserAwsKey> AwsKeys => Set<UserAwsKey>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>Times are UTC on every provider (see <see cref="UtcDateTimeConverter"/>).</summary>
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        base.ConfigureConventions(configurationBuilder);
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

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
        var a = builder.Entity<UserAwsKey>();
        a.ToTable("aws_keys");
        a.HasKey(x => x.Id);
        a.Property(x => x.Id).HasColumnName("id");
        a.Property(x => x.UserId).HasColumnName("user_id").HasMaxLength(450);
        a.Property(x => x.Name).HasColumnName("name").HasMaxLength(100);
        a.Property(x => x.AccessKeyId).HasColumnName("access_key_id").HasMaxLength(128);
        a.Property(x => x.ProtectedSecret).HasColumnName("protected_secret").HasMaxLength(1000);
        a.Property(x => x.CreatedAt).HasColumnName("created_at");
        a.Property(x => x.RevokedAt).HasColumnName("revoked_at");
        a.HasIndex(x => x.AccessKeyId).IsUnique().HasDatabaseName("ix_aws_keys_access_key_id");
        a.HasIndex(x => x.UserId).HasDatabaseName("ix_aws_keys_user_id");
        builder.Entity<DataProtectionKey>().ToTable("data_protection_keys");
        var u = builder.Entity<SevaUser>();
        // No database default: EF would then leave a false out of an insert and the default would win.
        // The migration that adds the columns fills them for existing accounts (formatting on).
        u.Property(x => x.FormatTranscripts).HasColumnName("format_transcripts");
        u.Property(x => x.DegreesMeaning).HasColumnName("degrees_meaning").HasMaxLength(16);
    }
}

/// <summary>Makes accounts contexts for the configured provider (its own type, so migrating applies
/// that provider's migrations).</summary>
public sealed class AccountsDbContextFactory(DatabaseConnection database) : IDbContextFactory<AccountsDbContext>
{
    private readonly Func<AccountsDbContext> _create = database.ContextMaker<AccountsDbContext, AccountsDbContext, PostgreSqlAccountsDbContext>(
        o => new AccountsDbContext(o), o => new PostgreSqlAccountsDbContext(o), AccountsDbContext.MigrationsHistoryTable);

    public AccountsDbContext CreateDbContext() => _create();
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the app.</summary>
internal sealed class AccountsDesignTimeFactory : Microsoft.EntityFrameworkCore.Design.IDesignTimeDbContextFactory<AccountsDbContext>
{
    public AccountsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<AccountsDbContext>()
            .UseSqlite("Data Source=design.db", o => o.MigrationsHistoryTable(AccountsDbContext.MigrationsHistoryTable))
            .Options);
}
