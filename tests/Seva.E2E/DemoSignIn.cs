using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Seva.E2E;

/// <summary>Signing in as the demo user on the sign-in page, as a clinician does, landing on dictation.</summary>
public static partial class DemoSignIn
{
    public static async Task SignInAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoAsync("Account/Login");
        await page.FillAsync("[name='Input.Email']", BrowserFixtureBase.DemoEmail);
        await page.FillAsync("[name='Input.Password']", BrowserFixtureBase.DemoPassword);
        await page.ClickAsync("[data-testid=login-submit]");
        await page.WaitForURLAsync(DictationUrl(), new() { Timeout = 60_000 }); // hashing the password and the first render of a busy server
    }

    [GeneratedRegex(".*/dictation$")]
    private static partial Regex DictationUrl();
}
