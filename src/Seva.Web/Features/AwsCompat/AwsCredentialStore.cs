using Microsoft.Extensions.Options;
using Seva.Web.Features.Accounts;

namespace Seva.Web.Features.AwsCompat;

/// <summary>The secret an access key id signs with, and the Seva user its sessions belong to.</summary>
public sealed record AwsSecret(string SecretAccessKey, string UserId);

/// <summary>Finds the secret behind an access key id (SigV4 needs the secret itself to recompute a signature).
/// Async because key pairs that users make will live in the accounts database.</summary>
public interface IAwsCredentialStore
{
    /// <returns>Null when no such access key id is known.</returns>
    ValueTask<AwsSecret?> TryGetSecretAsync(string accessKeyId, CancellationToken cancellationToken);
}

/// <summary>The key pairs of <c>Seva:AwsCompat:Credentials</c>, read once at start. Thread-safe.</summary>
internal sealed class ConfiguredAwsCredentialStore(IOptions<AwsCompatOptions> options) : IAwsCredentialStore
{
    private readonly Dictionary<string, AwsSecret> _secrets = options.Value.Credentials
        .GroupBy(c => c.AccessKeyId, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => new AwsSecret(g.First().SecretAccessKey, g.First().UserId), StringComparer.Ordinal);

    public ValueTask<AwsSecret?> TryGetSecretAsync(string accessKeyId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_secrets.GetValueOrDefault(accessKeyId));
}

/// <summary>The configured key pairs, then those users made on their API keys page (not revoked). A key pair
/// whose secret cannot be decrypted (its Data Protection key is gone) is treated as unknown, and logged.</summary>
internal sealed class AwsCredentialStores(ConfiguredAwsCredentialStore configured, AwsKeyService userKeys, ILogger<AwsCredentialStores> logger) : IAwsCredentialStore
{
    public async ValueTask<AwsSecret?> TryGetSecretAsync(string accessKeyId, CancellationToken cancellationToken)
    {
        if (await configured.TryGetSecretAsync(accessKeyId, cancellationToken) is { } secret)
        {
            return secret;
        }

        try
        {
            return await userKeys.FindAsync(accessKeyId, cancellationToken) is { } found ? new AwsSecret(found.SecretAccessKey, found.UserId) : null;
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            logger.LogError(ex, "The secret of AWS access key {AccessKeyId} cannot be decrypted: its Data Protection key is missing; the user must create a new key pair", accessKeyId);
            return null;
        }
    }
}
