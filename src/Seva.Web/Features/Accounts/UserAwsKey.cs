namespace Seva.Web.Features.Accounts;

/// <summary>An AWS-style key pair a user created for AWS SDK clients (table <c>aws_keys</c>). SigV4 needs the
/// secret itself to check a signature, so unlike an API key it cannot be kept as a hash: it is kept encrypted
/// with Data Protection (whose keys are in this database, so every host can decrypt it) and shown once.</summary>
public sealed class UserAwsKey
{
    public Guid Id { get; set; }

    public required string UserId { get; set; }

    public required string Name { get; set; }

    /// <summary>The public half, as AWS's: <c>AKIA</c> and 16 capitals and digits.</summary>
    public required string AccessKeyId { get; set; }

    /// <summary>The secret access key, protected by <see cref="AwsKeyService"/>'s Data Protection purpose.</summary>
    public required string ProtectedSecret { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? RevokedAt { get; set; }
}
