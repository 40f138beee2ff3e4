using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;

namespace Seva.Web.Features.Accounts;

/// <summary>Creates, lists, revokes and looks up users' API keys.</summary>
public sealed class ApiKeyService(IDbContextFactory<AccountsDbContext> contexts, TimeProvider time)
{
    public const string KeyPrefix = "seva_";

    /// <summary>Creates a key and returns it; this is the only time the key itself is seen.</summary>
    public async Task<(UserApiKey Record, string Key)> CreateAsync(string userId, string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var key = KeyPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var record = new UserApiKey
        {
            Id = Guid.CreateVersion7(),
            UserId = userId,
            Name = name.Trim(),
            KeyHash = Hash(key),
            Prefix = key[..(KeyPrefix.Length + 6)],
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.ApiKeys.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        return (record, key);
    }

    public async Task<IReadOnlyList<UserApiKey>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ApiKeys.AsNoTracking().Where(k => k.UserId == userId).OrderByDescending(k => k.CreatedAt).ToListAsync(cancellationToken);
    }

    public async Task<bool> RevokeAsync(string userId, Guid id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ApiKeys.Where(k => k.Id == id && k.UserId == userId && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), cancellationToken) == 1;
    }

    /// <summary>The user a live (not revoked) key belongs to, or null.</summary>
    public async Task<string?> FindUserAsync(string key, CancellationToken cancellationToken)
    {
        if (!key.StartsWith(KeyPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var hash = Hash(key);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ApiKeys.AsNoTracking().Where(k => k.KeyHash == hash && k.RevokedAt == null).Select(k => k.UserId).FirstOrDefaultAsync(cancellationToken);
    }

    internal static string Hash(string key) => Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));
}
