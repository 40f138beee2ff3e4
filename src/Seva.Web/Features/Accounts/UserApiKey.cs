namespace Seva.Web.Features.Accounts;

/// <summary>An API key a user created (table <c>api_keys</c>). Only its SHA-256 is stored; the key is
/// shown once, when created.</summary>
public sealed class UserApiKey
{
    public Guid Id { get; set; }

    public required string UserId { get; set; }

    public required string Name { get; set; }

    /// <summary>Hex SHA-256 of the key.</summary>
    public required string KeyHash { get; set; }

    /// <summary>The first characters of the key, so the user can tell keys apart.</summary>
    public required string Prefix { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? RevokedAt { get; set; }
}
