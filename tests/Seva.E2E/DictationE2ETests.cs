using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Seva.Web.Features.Dictation;

namespace Seva.E2E;

[Collection(BrowserCollection.Name)]
public sealed partial class DictationE2ETests(BrowserFixture fixture)
{
    [Fact]
    public async Task NewUser_SignsUp_Dictates_SeesWordsLive_FindsItInHistory_AndPlaysItsAudio()
    {
        var page = await fixture.NewPageAsync();
        try
        {
            // sign up, sign out, sign in again
            var email = $"clinician-{Guid.NewGuid():N}@seva.test";
            await page.GotoAsync("Account/Register");
            await page.FillAsync("[name='Input.Email']", email);
            await page.FillAsync("[name='Input.Password']", "Clinic-pass-42");
            await page.FillAsync("[name='Input.ConfirmPassword']", "Clinic-pass-42");
            await page.ClickAsync("[data-testid=register-submit]");
            await page.WaitForURLAsync(DictationUrl());
            await page.ClickAsync("[data-testid=sign-out]");
            await page.GotoAsync("Account/Login");
            await page.FillAsync("[name='Input.Email']", email);
            await page.FillAsync("[name='Input.Password']", "Clinic-pass-42");
            await page.ClickAsync("[data-testid=login-submit]");
            await page.WaitForURLAsync(DictationUrl());

            // dictate: the fake microphone speaks the sentence in a loop
            await page.Locator("[data-testid=start]").WaitForAsync();
            await page.SelectOptionAsync("[data-testid=quality]", "medium");
            await page.ClickAsync("[data-testid=start]");
            await Assertions.Expect(page.Locator("[data-testid=status]")).ToHaveTextAsync("listening");
            await Assertions.Expect(page.Locator("[data-testid=transcript]")).ToContainTextAsync("diabetes", new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("[data-testid=transcript]")).ToContainTextAsync("blood pressure", new() { Timeout = 30_000 });
            await page.ClickAsync("[data-testid=stop]");
            await Assertions.Expect(page.Locator("[data-testid=status]")).ToHaveTextAsync("saved", new() { Timeout = 30_000 });
            var elapsed = await page.Locator("[data-testid=elapsed]").InnerTextAsync();

            // history shows it with its duration; the detail page plays its audio
            await page.GotoAsync("history");
            var row = page.Locator("[data-testid=history-row]");
            await Assertions.Expect(row).ToHaveCountAsync(1);
            var duration = await page.Locator("[data-testid=history-duration]").First.InnerTextAsync();
            Assert.True(Seconds(duration) >= 3, $"duration {duration} (page showed {elapsed})");
            Assert.InRange(Seconds(duration), Seconds(elapsed) - 2, Seconds(elapsed) + 3);
            await row.First.ClickAsync();
            await Assertions.Expect(page.Locator("[data-testid=detail-transcript]")).ToContainTextAsync("diabetes");
            var audioSeconds = await page.EvaluateAsync<double>("""
                async () => {
                  const a = document.querySelector('[data-testid=audio]');
                  if (a.readyState < 1) await new Promise((r, j) => { a.onloadedmetadata = r; a.onerror = () => j(new Error('audio failed to load')); });
                  await a.play();
                  await new Promise(r => setTimeout(r, 500));
                  return a.currentTime > 0 ? a.duration : -1;
                }
                """);
            Assert.InRange(audioSeconds, Seconds(duration) - 1.5, Seconds(duration) + 1.5);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task MicrophoneDenied_ShowsTheErrorAndARetry()
    {
        // The user says no: permission prompts are answered "deny".
        var browser = await fixture.LaunchAsync(["--use-fake-device-for-media-stream", "--deny-permission-prompts"]);
        try
        {
            var page = await fixture.NewPageAsync(browser);
            await page.GotoAsync("Account/Login");
            await page.FillAsync("[name='Input.Email']", BrowserFixture.DemoEmail);
            await page.FillAsync("[name='Input.Password']", BrowserFixture.DemoPassword);
            await page.ClickAsync("[data-testid=login-submit]");
            await page.WaitForURLAsync(DictationUrl());
            await page.Locator("[data-testid=start]").WaitForAsync();
            await page.ClickAsync("[data-testid=start]");
            await Assertions.Expect(page.Locator("[data-testid=error]")).ToContainTextAsync(DictationPage.MicrophoneDeniedMessage);
            await Assertions.Expect(page.Locator("[data-testid=retry]")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("[data-testid=status]")).ToHaveTextAsync("error");
        }
        finally
        {
            await browser.CloseAsync();
        }
    }

    private static double Seconds(string minutesSeconds)
    {
        var parts = minutesSeconds.Trim().Split(':');
        return parts.Aggregate(0.0, (total, p) => (total * 60) + double.Parse(p, System.Globalization.CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(".*/dictation$")]
    private static partial Regex DictationUrl();
}
