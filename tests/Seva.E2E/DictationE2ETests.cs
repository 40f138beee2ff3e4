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
    public async Task SavedDictation_ClickingAWord_PlaysTheRecordingFromThatWord()
    {
        var page = await fixture.NewPageAsync();
        try
        {
            await DemoSignIn.SignInAsync(page);
            await Assertions.Expect(page.Locator("[data-testid=start]")).ToBeEnabledAsync(new() { Timeout = 30_000 });
            await page.SelectOptionAsync("[data-testid=quality]", "medium");
            await page.ClickAsync("[data-testid=start]");
            await Assertions.Expect(page.Locator("[data-testid=transcript]")).ToContainTextAsync("blood pressure", new() { Timeout = 30_000 });
            await page.ClickAsync("[data-testid=stop]");
            await Assertions.Expect(page.Locator("[data-testid=status]")).ToHaveTextAsync("saved", new() { Timeout = 30_000 });
            await page.ClickAsync("[data-testid=saved-link]");

            // The word view: each word carries the time it was said; a click plays from there.
            var word = page.Locator("[data-testid=word]", new() { HasTextString = "diabetes" }).First;
            await word.WaitForAsync(new() { Timeout = 30_000 });
            var start = double.Parse((await word.GetAttributeAsync("data-start"))!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(start > 0.5, $"'diabetes' is not the first word said, yet starts at {start} s");
            await page.EvaluateAsync("""
                async () => {
                  const a = document.querySelector('[data-testid=audio]');
                  if (a.readyState < 1) await new Promise((r, j) => { a.onloadedmetadata = r; a.onerror = () => j(new Error('audio failed to load')); });
                }
                """);
            await word.ClickAsync();
            var time = await page.EvaluateAsync<double>("() => document.querySelector('[data-testid=audio]').currentTime");
            var playing = await page.EvaluateAsync<bool>("() => !document.querySelector('[data-testid=audio]').paused");
            Assert.InRange(time, start - 0.3, start + 0.8); // it plays on between the click and this read (a loaded machine: up to half a second)
            Assert.True(playing, "the click should play the recording");
            await Assertions.Expect(word).ToHaveClassAsync(new Regex("seva-word-current"));
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
            await DemoSignIn.SignInAsync(page);
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

    [Fact]
    public async Task NetworkDropsForTenSeconds_MidDictation_ThePageReconnects_AndTheRecordKeepsAllTheAudio()
    {
        await using var network = new NetworkCut(fixture.BaseAddress);
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = network.Address.ToString() });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        try
        {
            await DemoSignIn.SignInAsync(page);
            await Assertions.Expect(page.Locator("[data-testid=start]")).ToBeEnabledAsync(new() { Timeout = 30_000 });
            await page.SelectOptionAsync("[data-testid=quality]", "medium");
            await page.ClickAsync("[data-testid=start]");
            await Assertions.Expect(page.Locator("[data-testid=transcript]")).ToContainTextAsync("diabetes", new() { Timeout = 30_000 });

            var cut = network.CutAsync(TimeSpan.FromSeconds(10));
            await Assertions.Expect(page.Locator("[data-testid=link-state]")).ToBeVisibleAsync(new() { Timeout = 10_000 });
            await Assertions.Expect(page.Locator("[data-testid=link-state]")).ToHaveTextAsync("reconnecting…");
            await Assertions.Expect(page.Locator("#components-reconnect-modal")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#components-reconnect-modal")).ToHaveCSSAsync("background-color", "rgb(255, 152, 0)"); // Seva's bar, not MudBlazor's white box
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "seva-e2e-network-cut.png") });
            await cut;

            // Back: the page says so, and the audio kept meanwhile reaches the session.
            await Assertions.Expect(page.Locator("[data-testid=link-state]")).ToBeHiddenAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("[data-testid=status]")).ToHaveTextAsync("listening");
            await page.WaitForTimeoutAsync(3000);
            await page.ClickAsync("[data-testid=stop]");
            await Assertions.Expect(page.Locator("[data-testid=status]")).ToHaveTextAsync("saved", new() { Timeout = 60_000 });
            var elapsed = Seconds(await page.Locator("[data-testid=elapsed]").InnerTextAsync());

            await page.GotoAsync("history");
            var duration = Seconds(await page.Locator("[data-testid=history-duration]").First.InnerTextAsync());
            Assert.True(elapsed >= 15, $"the dictation ran {elapsed} s");
            Assert.InRange(duration, elapsed - 2.5, elapsed + 3); // the ten seconds of the drop are in it
            await page.Locator("[data-testid=history-row]").First.ClickAsync();
            await Assertions.Expect(page.Locator("[data-testid=detail-status]")).ToHaveTextAsync("COMPLETED");
        }
        finally
        {
            await context.CloseAsync();
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
