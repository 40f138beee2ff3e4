namespace Seva.Web.Features.Accounts;

/// <summary>An account created at start-up for a quick try: <c>Seva:DemoUser:Email</c>/<c>Password</c>.</summary>
public sealed class DemoUserOptions
{
    public const string SectionName = "Seva:DemoUser";

    public string? Email { get; set; }

    public string? Password { get; set; }
}
