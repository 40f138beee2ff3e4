using Microsoft.Playwright;
using Seva.Actors.Audio;
using Seva.Web.Tests.Support;

namespace Seva.E2E;

/// <summary>Seva on a free loopback port with a demo account, and Debian's chromium driven by Playwright
/// with a fake microphone that speaks a flite recording.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string DemoEmail = "demo@seva.test";
    public const string DemoPassword = "Demo-pass-123";
    public const string SpokenText = "she has a history of diabetes and high blood pressure";

    private readonly string _wav = Path.Combine(Path.GetTempPath(), $"seva-e2e-{Guid.NewGuid():N}.wav");

    public SevaServer Server { get; private set; } = null!;

    public IPlaywright Playwright { get; private set; } = null!;

    /// <summary>A browser whose microphone is granted and speaks <see cref="SpokenText"/> in a loop.</summary>
    public IBrowser Browser { get; private set; } = null!;

    public static string[] CommonArgs { get; } =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required",
    ];

    public async Task InitializeAsync()
    {
        var speech = Speech.Concat(Speech.Silence(0.5, 16000), Speech.Say(SpokenText), Speech.Silence(1.5, 16000));
        await File.WriteAllBytesAsync(_wav, new WavFile(16000, speech).ToBytes());
        Server = new SevaServer(new Dictionary<string, string?>
        {
            ["Seva:DemoUser:Email"] = DemoEmail,
            ["Seva:DemoUser:Password"] = DemoPassword,
        });
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await LaunchAsync(
            ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", $"--use-file-for-fake-audio-capture={_wav}"]);
    }

    /// <summary>Launches Debian's chromium (never a downloaded browser) with extra flags.</summary>
    public Task<IBrowser> LaunchAsync(string[] extraArgs) =>
        Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = [.. CommonArgs, .. extraArgs],
        });

    public async Task<IPage> NewPageAsync(IBrowser? browser = null)
    {
        var context = await (browser ?? Browser).NewContextAsync(new BrowserNewContextOptions { BaseURL = Server.BaseAddress.ToString() });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        try
        {
            await Browser.CloseAsync();
        }
        finally
        {
            Playwright.Dispose();
            await Server.DisposeAsync();
            File.Delete(_wav);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
