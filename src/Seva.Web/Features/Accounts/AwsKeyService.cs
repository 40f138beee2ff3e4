using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Seva.Web.Features.Accounts;

/// <summary>Creates, lists, revokes and looks up users' AWS-style key pairs (for the Transcribe-compatible
/// endpoint). Thread-safe.</summary>
public sealed class AwsKeyService(IDbContextFactory<AccountsDbContext> contexts, IDataProtectionProvider protection, TimeProvider time)
{
    /// <summary>The Data Protection purpose: a secret protected for anything else does not decrypt here.</summary>
    public const string ProtectionPurpose = "Seva.AwsCompat.SecretAccessKey.v1";

    // AWS access key ids are upper-case letters and digits; base32's alphabet is that without look-alikes.
    private const string IdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private readonly IDataProtector _protector = protection.CreateProtector(ProtectionPurpose);

    /// <summary>Creates a key pair and returns it; this is the only time the secret is seen.</summary>
    public async Task<(UserAwsKey Record, string SecretAccessKey)> CreateAsync(string userId, string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        // 40 characters of base64 from 30 random bytes, the length and alphabet of an AWS secret access key.
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));
        var record = new UserAwsKey
        {
            Id = Guid.CreateVersion7(),
            UserId = userId,
            Name = name.Trim(),
            AccessKeyId = "AKIA" + RandomNumberGenerator.GetString(IdAlphabet, 16),
            ProtectedSecret = _protector.Protect(secret),
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.AwsKeys.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        return (record, secret);
    }

    public async Task<IReadOnlyList<UserAwsKey>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.AwsKeys.AsNoTracking().Where(k => k.UserId == userId).OrderByDescending(k => k.CreatedAt).ToListAsync(cancellationToken);
    }

    public async Task<bool> RevokeAsync(string userId, Guid id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.AwsKeys.Where(k => k.Id == id && k.UserId == userId && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), cancellationToken) == 1;
    }

    /// <summary>The secret and user of a live (not revoked) access key id, or null.</summary>
    public async Task<(string SecretAccessKey, string UserId)?> FindAsync(string accessKeyId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var key = await db.AwsKeys.AsNoTracking().Where(k => k.AccessKeyId == accessKeyId && k.RevokedAt == null)
            .Select(k => new { k.ProtectedSecret, k.UserId }).FirstOrDefaultAsync(cancellationToken);
        return key is null ? null : (_protector.Unprotect(key.ProtectedSecret), key.UserId);
    }
}
