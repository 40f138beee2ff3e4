using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Seva.Actors.Storage;
using Seva.Actors.Storage.Files;
using Seva.Web.Features.Accounts;

namespace Seva.Web.Features.StorageCopy;

/// <summary>Moves an installation on the embedded defaults (SQLite and files in a data directory) to the
/// storage this host is configured for (PostgreSQL, S3): records, accounts, API keys, the Data Protection
/// keys (so signed-in users stay signed in) and every recording, under the same keys.</summary>
/// <remarks>Re-runnable: the database is copied only into an empty database (in one transaction per
/// context, so an interrupted copy leaves it empty), and recordings already in the target are skipped,
/// so running it again after a failure finishes what is missing.</remarks>
public sealed class StorageCopy(
    IDbContextFactory<SevaDbContext> records,
    IDbContextFactory<AccountsDbContext> accounts,
    IAudioStore audio,
    ILogger<StorageCopy> logger)
{
    public const string Setting = "copy-from";

    public async Task<StorageCopyResult> RunAsync(string fromDataDirectory, CancellationToken cancellationToken)
    {
        var from = Path.GetFullPath(fromDataDirectory);
        var sqlite = Path.Combine(from, "seva.db");
        if (!File.Exists(sqlite))
        {
            throw new InvalidOperationException($"{sqlite} does not exist: --{Setting} names the data directory of the installation to copy (the folder holding seva.db and audio/).");
        }

        var source = new DatabaseConnection(
            Options.Create(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={sqlite};Pooling=false" }),
            Options.Create(new StorageOptions { DataDirectory = from }));
        var sourceRecords = new SevaDbContextFactory(source);
        var sourceAccounts = new AccountsDbContextFactory(source);

        // Both sides on the current schema: an older installation is brought up to date, as its own
        // next start would do; the target is created if it is new.
        await MigrateAsync(sourceRecords, sourceAccounts, cancellationToken);
        await MigrateAsync(records, accounts, cancellationToken);

        var users = await CopyAccountsAsync(sourceAccounts, cancellationToken);
        var copiedRecords = await CopyRecordsAsync(sourceRecords, cancellationToken);
        var (copiedAudio, missingAudio) = await CopyAudioAsync(new FileAudioStore(Options.Create(new StorageOptions { DataDirectory = from })), cancellationToken);
        return new StorageCopyResult(users, copiedRecords, copiedAudio, missingAudio);
    }

    private static async Task MigrateAsync(IDbContextFactory<SevaDbContext> records, IDbContextFactory<AccountsDbContext> accounts, CancellationToken cancellationToken)
    {
        await using (var db = await records.CreateDbContextAsync(cancellationToken))
        {
            await db.Database.MigrateAsync(cancellationToken);
        }

        await using (var db = await accounts.CreateDbContextAsync(cancellationToken))
        {
            await db.Database.MigrateAsync(cancellationToken);
        }
    }

    private async Task<int?> CopyAccountsAsync(IDbContextFactory<AccountsDbContext> sourceAccounts, CancellationToken cancellationToken)
    {
        await using var source = await sourceAccounts.CreateDbContextAsync(cancellationToken);
        await using var target = await accounts.CreateDbContextAsync(cancellationToken);
        if (await target.Users.AnyAsync(cancellationToken) || await target.ApiKeys.AnyAsync(cancellationToken) || await target.AwsKeys.AnyAsync(cancellationToken))
        {
            logger.LogWarning("The target database already has accounts: they are not copied again");
            return null;
        }

        await using var transaction = await target.Database.BeginTransactionAsync(cancellationToken);
        target.Roles.AddRange(await source.Roles.AsNoTracking().ToListAsync(cancellationToken));
        var users = await source.Users.AsNoTracking().ToListAsync(cancellationToken);
        target.Users.AddRange(users);
        target.UserRoles.AddRange(await source.UserRoles.AsNoTracking().ToListAsync(cancellationToken));
        target.UserLogins.AddRange(await source.UserLogins.AsNoTracking().ToListAsync(cancellationToken));
        target.UserTokens.AddRange(await source.UserTokens.AsNoTracking().ToListAsync(cancellationToken));

        // Claims and keys have database-made integer ids: the target makes its own.
        target.UserClaims.AddRange((await source.UserClaims.AsNoTracking().ToListAsync(cancellationToken))
            .Select(c => new IdentityUserClaim<string> { UserId = c.UserId, ClaimType = c.ClaimType, ClaimValue = c.ClaimValue }));
        target.RoleClaims.AddRange((await source.RoleClaims.AsNoTracking().ToListAsync(cancellationToken))
            .Select(c => new IdentityRoleClaim<string> { RoleId = c.RoleId, ClaimType = c.ClaimType, ClaimValue = c.ClaimValue }));
        target.ApiKeys.AddRange(await source.ApiKeys.AsNoTracking().ToListAsync(cancellationToken));

        // Their secrets stay readable: they are protected with the Data Protection keys copied next.
        target.AwsKeys.AddRange(await source.AwsKeys.AsNoTracking().ToListAsync(cancellationToken));
        // Every source key the target lacks joins its key ring (also when the target made one of its own at
        // start-up): the copied AWS key pairs' secrets were protected with them, as were the cookies.
        var present = await target.DataProtectionKeys.Select(k => k.FriendlyName).ToListAsync(cancellationToken);
        target.DataProtectionKeys.AddRange((await source.DataProtectionKeys.AsNoTracking().ToListAsync(cancellationToken))
            .Where(k => !present.Contains(k.FriendlyName))
            .Select(k => new DataProtectionKey { FriendlyName = k.FriendlyName, Xml = k.Xml }));

        await target.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Copied {Count} accounts with their API keys", users.Count);
        return users.Count;
    }

    private async Task<int?> CopyRecordsAsync(IDbContextFactory<SevaDbContext> sourceRecords, CancellationToken cancellationToken)
    {
        await using var source = await sourceRecords.CreateDbContextAsync(cancellationToken);
        await using var target = await records.CreateDbContextAsync(cancellationToken);
        if (await target.Transcriptions.AnyAsync(cancellationToken))
        {
            logger.LogWarning("The target database already has transcriptions: they are not copied again");
            return null;
        }

        var all = await source.Transcriptions.AsNoTracking().ToListAsync(cancellationToken);
        foreach (var record in all.Where(r => r.Status == TranscriptionStatus.InProgress))
        {
            // The installation copied is stopped: its open sessions can never finish.
            record.Status = TranscriptionStatus.Failed;
            record.ErrorCode = "SERVER_RESTARTED";
        }

        await using var transaction = await target.Database.BeginTransactionAsync(cancellationToken);
        target.Transcriptions.AddRange(all);
        await target.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Copied {Count} transcriptions", all.Count);
        return all.Count;
    }

    private async Task<(int Copied, int Missing)> CopyAudioAsync(FileAudioStore files, CancellationToken cancellationToken)
    {
        await using var db = await records.CreateDbContextAsync(cancellationToken);
        var keys = await db.Transcriptions.AsNoTracking().Where(t => t.AudioKey != null).Select(t => t.AudioKey!).ToListAsync(cancellationToken);
        var copied = 0;
        var missing = 0;
        foreach (var key in keys)
        {
            await using (var existing = await audio.OpenReadAsync(key, cancellationToken))
            {
                if (existing is not null)
                {
                    continue;
                }
            }

            await using var file = await files.OpenReadAsync(key, cancellationToken);
            if (file is null)
            {
                logger.LogWarning("The recording {Key} named by a record is not in the source data directory", key);
                missing++;
                continue;
            }

            await using var writer = await audio.CreateAsync(key, cancellationToken);
            var buffer = new byte[256 * 1024];
            int read;
            while ((read = await file.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            await writer.CompleteAsync(cancellationToken);
            copied++;
        }

        logger.LogInformation("Copied {Copied} recordings ({Missing} named by records were not found)", copied, missing);
        return (copied, missing);
    }
}

/// <summary>What a copy did; null counts mean that part was already in the target and was left alone.</summary>
public sealed record StorageCopyResult(int? Accounts, int? Transcriptions, int RecordingsCopied, int RecordingsMissing);
