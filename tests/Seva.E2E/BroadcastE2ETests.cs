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
            await DemoSignIn.SignInAsync(speaker);
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
            await Assertions.Expect(speaker.Locator("[data-testid=status-reason]")).ToHaveTextAsync(StatusReasonText());

            // The chart's axis labels are drawn at a readable size, not a 700-unit drawing shrunk into the column.
            var label = speaker.Locator(".mud-charts-xaxis text", new() { HasText = "es" });
            await Assertions.Expect(label).ToBeVisibleAsync();
            var labelHeight = await label.EvaluateAsync<double>("t => t.getBoundingClientRect().height");
            Assert.True(labelHeight >= 11, $"the chart's language labels are {labelHeight:0.#} px high");

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

    [Fact]
    public async Task Listener_WithAudioOn_HasTheSpokenTranslationScheduledForPlayback_WithoutErrors()
    {
        var speaker = await fixture.NewPageAsync();
        IPage? listener = null;
        var errors = new List<string>();
        try
        {
            await DemoSignIn.SignInAsync(speaker);
            await speaker.GotoAsync("broadcast");
            await Assertions.Expect(speaker.Locator("[data-testid=broadcast-start]")).ToBeEnabledAsync();
            await speaker.ClickAsync("[data-testid=broadcast-start]");
            var shareLink = await speaker.Locator("[data-testid=share-link]").InnerTextAsync();

            listener = await fixture.NewPageAsync();
            listener.PageError += (_, error) => errors.Add("page error: " + error);
            listener.Console += (_, message) =>
            {
                if (message.Type == "error")
                {
                    errors.Add($"console: {message.Text} ({message.Location})");
                }
            };
            listener = await JoinAsync(shareLink, "es", audio: true, listener);

            // The fake microphone says the sentence; its Spanish caption comes, and its spoken
            // translation (espeak-ng, a few seconds) is decoded and scheduled by the page's AudioContext.
            await Assertions.Expect(listener.Locator("[data-testid=transcript]")).ToContainTextAsync("presión", new() { Timeout = 30_000 });
            var playback = listener.Locator("[data-testid=listen-playback]");
            await Assertions.Expect(playback).ToHaveAttributeAsync("data-buffers", PositiveCount(), new() { Timeout = 20_000 });
            var seconds = double.Parse(await playback.GetAttributeAsync("data-seconds") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(seconds > 1.0, $"{seconds} s of speech scheduled; a spoken sentence is longer than 1 s");
            Assert.Empty(errors);
        }
        finally
        {
            foreach (var page in new[] { listener, speaker })
            {
                if (page is not null)
                {
                    await page.Context.CloseAsync();
                }
            }
        }
    }

    private async Task<IPage> JoinAsync(string shareLink, string language, bool audio = false, IPage? page = null)
    {
        page ??= await fixture.NewPageAsync();
        await page.GotoAsync(shareLink);
        await Assertions.Expect(page.Locator("[data-testid=listen-join]")).ToBeEnabledAsync(); // interactive before choosing
        await page.SelectOptionAsync("[data-testid=listen-language]", language);
        if (audio)
        {
            await page.Locator("input[data-testid=listen-audio], [data-testid=listen-audio] input").First.CheckAsync();
        }

        await page.ClickAsync("[data-testid=listen-join]");
        await Assertions.Expect(page.Locator("[data-testid=listen-state]")).ToBeVisibleAsync();
        return page;
    }


    [GeneratedRegex("^(Up to date|Regular update|Listeners joined or left|New language joined)$")]
    private static partial Regex StatusReasonText();

    [GeneratedRegex("^[1-9][0-9]*$")]
    private static partial Regex PositiveCount();
}
