using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Seva.E2E;

/// <summary>Signing in as the demo user on the sign-in page, as a clinician does, landing on dictation.</summary>
public static partial class DemoSignIn
{
    public static async Task SignInAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        // The page's scripts loaded first, so the click is the form's submission whatever handles it.
        await page.GotoAsync("Account/Login", new() { WaitUntil = WaitUntilState.NetworkIdle, Timeout = 60_000 });
        await page.FillAsync("[name='Input.Email']", BrowserFixtureBase.DemoEmail);
        await page.FillAsync("[name='Input.Password']", BrowserFixtureBase.DemoPassword);
        await page.ClickAsync("[data-testid=login-submit]");
        try
        {
            await page.WaitForURLAsync(DictationUrl(), new() { Timeout = 60_000 }); // hashing the password and the first render of a busy server
        }
        catch (TimeoutException ex)
        {
            // Say where it stayed and what it showed (a sign-in error, a server error), not just "timeout".
            var shown = await page.InnerTextAsync("body", new() { Timeout = 5_000 });
            throw new TimeoutException($"Signing in did not reach the Dictation page: still at {page.Url}, showing: {shown[..Math.Min(shown.Length, 600)]}", ex);
        }
    }

    [GeneratedRegex(".*/dictation$")]
    private static partial Regex DictationUrl();
}
