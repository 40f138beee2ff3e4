using System.Net;
using System.Text.RegularExpressions;
using Seva.Web.Tests.Support;
using static Seva.Web.Tests.Security.SecuritySupport;

namespace Seva.Web.Tests.Security;

/// <summary>Password guessing: lockout per account, a rate limit per client address.</summary>
public sealed partial class SignInProtectionTests
{
    [Fact]
    public async Task FifthWrongPassword_LocksTheAccount_AndTheRightPasswordIsThenRefusedAsLocked()
    {
        await using var server = new SevaServer(DemoUser());
        using var browser = Browser.Create(server);
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            using var wrong = await Browser.SignInAsync(browser, Email, "Wrong-pass-" + attempt);
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Equal("Wrong email or password.", LoginError(await wrong.Content.ReadAsStringAsync()));
        }

        using var fifth = await Browser.SignInAsync(browser, Email, "Wrong-pass-5");
        Assert.StartsWith("This account is locked", LoginError(await fifth.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        using var right = await Browser.SignInAsync(browser, Email, Password);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode); // no redirect: not signed in
        Assert.StartsWith("This account is locked", LoginError(await right.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Contains("15 minutes", LoginError(await right.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignInAttempts_OverTheLimitFromOneAddress_Get429WithAMessage_AndRegistrationSharesTheLimit()
    {
        await using var server = new SevaServer(new Dictionary<string, string?> { ["Seva:SignInRateLimit:PermitLimit"] = "3" });
        using var browser = Browser.Create(server);
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            using var allowed = await Browser.SignInAsync(browser, $"nobody{attempt}@example.com", "Wrong-pass-1");
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var limited = await Browser.SignInAsync(browser, "nobody4@example.com", "Wrong-pass-1");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.StartsWith("Too many sign-in or registration attempts", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotNull(limited.Headers.RetryAfter);

        // Loading the page is not an attempt; posting the registration form is.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/Account/Register")).StatusCode);
        using var register = await browser.PostAsync("/Account/Register", new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Email"] = "new@example.com" }));
        Assert.Equal(HttpStatusCode.TooManyRequests, register.StatusCode);
    }

    private static string LoginError(string html) =>
        WebUtility.HtmlDecode(ErrorElement().Match(html).Groups[1].Value.Trim());

    [GeneratedRegex("data-testid=\"login-error\"[^>]*>([^<]*)<")]
    private static partial Regex ErrorElement();
}
