using System.ComponentModel.DataAnnotations;

namespace Seva.Web.Features.Security;

/// <summary>How many sign-in and registration attempts one client address may make per window
/// (<c>Seva:SignInRateLimit</c>). Lockout stops guessing one account's password; this stops one
/// address from trying many accounts, or creating them, quickly.</summary>
public sealed class SignInRateLimitOptions
{
    public const string SectionName = "Seva:SignInRateLimit";

    [Range(1, 10_000)]
    public int PermitLimit { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
