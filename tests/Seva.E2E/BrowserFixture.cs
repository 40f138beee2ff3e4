using Microsoft.Playwright;
using Seva.Actors.Audio;
using Seva.Web.Tests.Support;

namespace Seva.E2E;

/// <summary>Debian's chromium driven by Playwright with a fake microphone that speaks a flite
/// recording, pointed at a Seva with a demo account; subclasses say how that Seva runs.</summary>
public abstract class BrowserFixtureBase : IAsyncLifetime
{
    public const string DemoEmail = "demo@seva.test";
    public const string DemoPassword = "Demo-pass-123";
    public const string SpokenText = "she has a history of diabetes and high blood pressure";

    private readonly string _wav = Path.Combine(Path.GetTempPath(), $"seva-e2e-{Guid.NewGuid():N}.wav");

    public static string[] CommonArgs { get; } =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required",
    ];

    protected static Dictionary<string, string?> DemoUserSettings { get; } = new()
    {
        ["Seva:DemoUser:Email"] = DemoEmail,
        ["Seva:DemoUser:Password"] = DemoPassword,
    };

    public IPlaywright Playwright { get; private set; } = null!;

    /// <summary>A browser whose microphone is granted and speaks <see cref="SpokenText"/> in a loop.</summary>
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where the Seva under test answers.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var speech = Speech.Concat(Speech.Silence(0.5, 16000), Speech.Say(SpokenText), Speech.Silence(1.5, 16000));
        await File.WriteAllBytesAsync(_wav, new WavFile(16000, speech).ToBytes());
        BaseAddress = await StartServerAsync();
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await LaunchAsync(
            ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", $"--use-file-for-fake-audio-capture={_wav}"]);
    }

    /// <summary>Starts the Seva under test with <see cref="DemoUserSettings"/> and returns its address.</summary>
    protected abstract Task<Uri> StartServerAsync();

    protected abstract ValueTask StopServerAsync();

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
        var context = await (browser ?? Browser).NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseAddress.ToString() });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (Browser is not null)
            {
                await Browser.CloseAsync();
            }
        }
        finally
        {
            Playwright?.Dispose();
            await StopServerAsync();
            File.Delete(_wav);
        }
    }
}

/// <summary>Seva in this process (WebApplicationFactory, Development environment): fast, and lets
/// tests reach its services.</summary>
public sealed class BrowserFixture : BrowserFixtureBase
{
    private SevaServer? _server;

    protected override Task<Uri> StartServerAsync()
    {
        _server = new SevaServer(DemoUserSettings);
        return Task.FromResult(_server.BaseAddress);
    }

    protected override async ValueTask StopServerAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
