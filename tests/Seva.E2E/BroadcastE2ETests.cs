using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Seva.E2E;

[Collection(BrowserCollection.Name)]
public sealed partial class BroadcastE2ETests(BrowserFixture fixture)
{
    [Fact]
    public async Task Speaker_AndTwoListenersInSpanishAndFrench_SeeTranslatedCaptions_PauseReachesThem_DashboardCountsThem()
    {
        var speaker = await fixture.NewPageAsync();
        IPage? spanish = null, french = null;
        try
        {
            await speaker.GotoAsync("Account/Login");
            await speaker.FillAsync("[name='Input.Email']", BrowserFixture.DemoEmail);
            await speaker.FillAsync("[name='Input.Password']", BrowserFixture.DemoPassword);
            await speaker.ClickAsync("[data-testid=login-submit]");
            await speaker.WaitForURLAsync(DictationUrl());
            await speaker.GotoAsync("broadcast");
            await Assertions.Expect(speaker.Locator("[data-testid=broadcast-start]")).ToBeEnabledAsync();
            await speaker.ClickAsync("[data-testid=broadcast-start]");
            var shareLink = await speaker.Locator("[data-testid=share-link]").InnerTextAsync();
            Assert.Matches("/listen/[a-z]+-[a-z]+-[0-9]{3}$", shareLink);
            Assert.Contains("<svg", await speaker.Locator("[data-testid=share-qr]").InnerHTMLAsync(), StringComparison.Ordinal);

            spanish = await JoinAsync(shareLink, "es");
            french = await JoinAsync(shareLink, "fr");

            await Assertions.Expect(spanish.Locator("[data-testid=transcript]")).ToContainTextAsync("presión", new() { Timeout = 30_000 });
            await Assertions.Expect(french.Locator("[data-testid=transcript]")).ToContainTextAsync("pression", new() { Timeout = 30_000 });
            await Assertions.Expect(speaker.Locator("[data-testid=transcript]")).ToContainTextAsync("blood pressure");
            await Assertions.Expect(speaker.Locator("[data-testid=listener-count]")).ToHaveTextAsync("2");
            await Assertions.Expect(speaker.Locator("[data-testid=language-es]")).ToContainTextAsync("1");
            await Assertions.Expect(speaker.Locator("[data-testid=language-fr]")).ToContainTextAsync("1");

            await speaker.ClickAsync("[data-testid=pause]");
            await Assertions.Expect(spanish.Locator("[data-testid=listen-state]")).ToHaveTextAsync("paused");
            await Assertions.Expect(french.Locator("[data-testid=listen-state]")).ToHaveTextAsync("paused");
            await speaker.ClickAsync("[data-testid=resume]");
            await speaker.ClickAsync("[data-testid=mute]");
            await Assertions.Expect(french.Locator("[data-testid=listen-state]")).ToHaveTextAsync("muted");

            await speaker.ClickAsync("[data-testid=broadcast-end]");
            await Assertions.Expect(spanish.Locator("[data-testid=listen-ended]")).ToBeVisibleAsync();
        }
        finally
        {
            foreach (var page in new[] { spanish, french, speaker })
            {
                if (page is not null)
                {
                    await page.Context.CloseAsync();
                }
            }
        }
    }

    private async Task<IPage> JoinAsync(string shareLink, string language)
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(shareLink);
        await Assertions.Expect(page.Locator("[data-testid=listen-join]")).ToBeEnabledAsync(); // interactive before choosing
        await page.SelectOptionAsync("[data-testid=listen-language]", language);
        await page.ClickAsync("[data-testid=listen-join]");
        await Assertions.Expect(page.Locator("[data-testid=listen-state]")).ToBeVisibleAsync();
        return page;
    }

    [GeneratedRegex(".*/dictation$")]
    private static partial Regex DictationUrl();
}
