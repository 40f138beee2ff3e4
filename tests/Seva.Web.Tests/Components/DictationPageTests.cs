using Bunit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using Seva.Actors.Dictation;
using Seva.Actors.Speech;
using Seva.Actors.Storage;
using Seva.Actors.Storage.Files;
using Seva.Web.Features.Dictation;
using Seva.Web.Tests.Support;

namespace Seva.Web.Tests.Components;

/// <summary>The dictation page's states when the browser cannot capture audio (no session is started,
/// so the engine behind the page is not the point here).</summary>
public sealed class DictationPageTests : IAsyncLifetime
{
    private const string Module = "./features/Dictation/dictation.js";
    private readonly BunitContext _bunit = new();

    public DictationPageTests()
    {
        _bunit.AddSevaTestServices();
        _bunit.AddDictationPreferences();
        var auth = _bunit.AddAuthorization();
        auth.SetAuthorized("clinician@example.com");
        auth.SetClaims(new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, "clinician-1"));
        var options = Options.Create(new StorageOptions { DataDirectory = Path.GetTempPath() });
        _bunit.Services.AddSingleton(TimeProvider.System);
        var dictationOptions = Options.Create(new DictationOptions());
        var sessions = new DictationSessions(
            new UnusedEngine(),
            new EngineCircuitBreaker(Options.Create(new EngineBreakerOptions()), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<EngineCircuitBreaker>.Instance),
            new TranscriptionStore(new UnusedDatabase(), new RecordLease("host-a", TimeSpan.FromMinutes(1)), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<TranscriptionStore>.Instance),
            new FileAudioStore(options),
            new DictationAdmission(dictationOptions, new SpeechMetrics(TimeProvider.System), Microsoft.Extensions.Logging.Abstractions.NullLogger<DictationAdmission>.Instance),
            dictationOptions,
            TimeProvider.System,
            NullLoggerFactory.Instance);
        var followers = new Seva.Actors.Fanout.DictationFollowers(new RecordLease("host-a", TimeSpan.FromMinutes(1)), Microsoft.Extensions.Logging.Abstractions.NullLogger<Seva.Actors.Fanout.DictationFollowers>.Instance);
        _bunit.Services.AddSingleton(sessions);
        _bunit.Services.AddSingleton(followers);
        _bunit.Services.AddSingleton<Seva.Actors.Contracts.IDictationActors>(new Seva.Actors.Hosting.InProcess.InProcessDictationActors(sessions, new Seva.Actors.Fanout.InProcessDictationEvents(followers), TimeProvider.System));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _bunit.DisposeAsync();

    [Fact]
    public void MicrophoneDenied_ShowsTheMessageAndRetry_AndStaysReadyToRetry()
    {
        _bunit.JSInterop.SetupModule(Module).Setup<double>("start", _ => true).SetException(new JSException("MICROPHONE_ACCESS_DENIED: Permission denied"));
        var page = _bunit.Render<DictationPage>();

        page.Find("[data-testid=start]").Click();

        page.WaitForAssertion(() => Assert.Equal(DictationPage.MicrophoneDeniedMessage, page.Find("[data-testid=error]").TextContent.Replace("Retry", string.Empty, StringComparison.Ordinal).Trim()));
        Assert.NotNull(page.Find("[data-testid=retry]"));
        Assert.Equal("error", page.Find("[data-testid=status]").TextContent.Trim());
        Assert.NotNull(page.Find("[data-testid=start]"));
    }

    [Fact]
    public void BrowserWithoutAudioWorklet_IsToldWhichBrowsersWork_WithoutRetry()
    {
        _bunit.JSInterop.SetupModule(Module).Setup<double>("start", _ => true).SetException(new JSException("UNSUPPORTED_BROWSER"));
        var page = _bunit.Render<DictationPage>();

        page.Find("[data-testid=start]").Click();

        page.WaitForAssertion(() => Assert.Contains(DictationPage.UnsupportedMessage, page.Find("[data-testid=error]").TextContent, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=retry]"));
    }

    [Fact]
    public void CaptureFailure_ShowsAudioCaptureFailed()
    {
        _bunit.JSInterop.SetupModule(Module).Setup<double>("start", _ => true).SetException(new JSException("AUDIO_CAPTURE_FAILED: no device"));
        var page = _bunit.Render<DictationPage>();

        page.Find("[data-testid=start]").Click();

        page.WaitForAssertion(() => Assert.Contains(DictationPage.CaptureFailedMessage, page.Find("[data-testid=error]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void LowQuality_WarnsThatItCostsAccuracy()
    {
        var page = _bunit.Render<DictationPage>();
        Assert.DoesNotContain("8 kHz: the recogniser", page.Markup, StringComparison.Ordinal);
        page.Find("[data-testid=quality]").Change("low");
        Assert.Contains("8 kHz: the recogniser", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Idle_ShowsReadyAndAStartButton()
    {
        var page = _bunit.Render<DictationPage>();
        Assert.Equal("ready", page.Find("[data-testid=status]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=stop]"));
        Assert.False(page.Find("[data-testid=start]").HasAttribute("disabled"));
    }

    private sealed class UnusedEngine : ISpeechEngine
    {
        public int SampleRate => 16000;

        public Task<ISpeechStream> OpenStreamAsync(SpeechStreamOptions options, ISpeechResultSink sink, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("No session starts in these tests.");

        public SpeechEngineStatus GetStatus() => new(0, 0, 0);
    }

    private sealed class UnusedDatabase : IDbContextFactory<SevaDbContext>
    {
        public SevaDbContext CreateDbContext() => throw new InvalidOperationException("No record is written in these tests.");
    }
}
