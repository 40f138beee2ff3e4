using Microsoft.Playwright;
using Seva.Actors.Audio;
using Seva.Web.Tests.Support;

namespace Seva.E2E;

[Collection(BrowserCollection.Name)]
public sealed class UploadE2ETests(BrowserFixture fixture)
{
    [Fact]
    public async Task UploadedWav_BecomesATranscriptInHistory_AndAFileThatIsNotAudioIsRefused()
    {
        var wav = Path.Combine(Path.GetTempPath(), $"seva-upload-{Guid.NewGuid():N}.wav");
        var text = Path.Combine(Path.GetTempPath(), $"seva-upload-{Guid.NewGuid():N}.wav");
        await File.WriteAllBytesAsync(wav, new WavFile(16000, Speech.Concat(Speech.Say(BrowserFixture.SpokenText), Speech.Silence(1, 16000))).ToBytes());
        await File.WriteAllTextAsync(text, "not audio at all");
        var page = await fixture.NewPageAsync();
        try
        {
            await DemoSignIn.SignInAsync(page);
            await page.GotoAsync("upload");
            await page.Locator("[data-testid=upload-input][data-ready=true]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

            await page.SetInputFilesAsync("[data-testid=upload-input]", text);
            await Assertions.Expect(page.Locator("[data-testid=error]")).ToContainTextAsync("Unsupported file");

            await page.SetInputFilesAsync("[data-testid=upload-input]", wav);
            await Assertions.Expect(page.Locator("[data-testid=upload-status]")).ToHaveTextAsync("saved", new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("[data-testid=transcript]")).ToContainTextAsync("diabetes");
            await page.ClickAsync("[data-testid=saved-link]");
            await Assertions.Expect(page.Locator("[data-testid=detail-transcript]")).ToContainTextAsync("diabetes");
        }
        finally
        {
            await page.Context.CloseAsync();
            File.Delete(wav);
            File.Delete(text);
        }
    }
}
