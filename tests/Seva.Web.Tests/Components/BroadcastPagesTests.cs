using System.Collections.Concurrent;
using System.Reflection;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using Seva.Actors.Broadcast;
using Seva.Actors.Speech;
using Seva.Actors.Translation;
using Seva.Web.Features.Broadcast;
using Seva.Web.Tests.Support;

namespace Seva.Web.Tests.Components;

/// <summary>The speaker's dashboard and the listener's page over a live broadcast. The engine and the
/// translator are in-memory stand-ins: what is tested is what the pages do with what they are told.</summary>
public sealed class BroadcastPagesTests : IAsyncLifetime
{
    private readonly BunitContext _bunit = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly BroadcastSessions _sessions;

    public BroadcastPagesTests()
    {
        _bunit.AddSevaTestServices();
        _bunit.Services.AddLogging(logging => logging.AddProvider(_logs));
        _bunit.Services.AddSingleton(TimeProvider.System);
        _sessions = new BroadcastSessions(new SilentEngine(), new EchoTranslator(), new EspeakSynthesizer(), Options.Create(new BroadcastOptions()), TimeProvider.System, NullLoggerFactory.Instance, new EngineCircuitBreaker(Options.Create(new EngineBreakerOptions()), TimeProvider.System, NullLogger<EngineCircuitBreaker>.Instance));
        _bunit.Services.AddSingleton(_sessions);
        var followers = new Seva.Actors.Fanout.BroadcastFollowers(new Seva.Actors.Storage.RecordLease("host-a", TimeSpan.FromMinutes(1)), NullLogger<Seva.Actors.Fanout.BroadcastFollowers>.Instance);
        _bunit.Services.AddSingleton(followers);
        _bunit.Services.AddSingleton<Seva.Actors.Contracts.IBroadcastActors>(new Seva.Actors.Hosting.InProcess.InProcessBroadcastActors(_sessions, new Seva.Actors.Fanout.InProcessBroadcastEvents(followers), TimeProvider.System));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _bunit.DisposeAsync();

    public static TheoryData<string> UpdateReasons() =>
        [.. typeof(StatusReasons).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!)];

    [Theory]
    [MemberData(nameof(UpdateReasons))]
    public void EveryUpdateReason_IsToldTheSpeakerInWords(string reason)
    {
        var text = SpeakerPage.DescribeUpdate(reason);
        Assert.NotEqual("Updated", text); // the fallback for reasons nobody described
        Assert.DoesNotContain(reason, text, StringComparison.Ordinal);
        Assert.Matches("^[A-Z][a-z]+( [a-z]+)*$", text);
    }

    [Fact]
    public async Task Dashboard_WhenAListenerBringsANewLanguage_SaysSoInWords()
    {
        var page = _bunit.Render<SpeakerPage>();
        await page.WaitForAssertionAsync(() => Assert.False(page.Find("[data-testid=broadcast-start]").HasAttribute("disabled")));
        page.Find("[data-testid=broadcast-start]").Click();
        // Starting opens a speech stream: on a loaded machine that takes longer than bUnit's one-second default.
        var sessionId = (await page.WaitForElementAsync("[data-testid=broadcast-id]", TimeSpan.FromSeconds(15))).TextContent.Trim();

        var live = _sessions.Find(sessionId)!;
        await live.CallAsync(a => a.JoinAsync("listener-1", "es", false, new NoClient(), CancellationToken.None));

        await page.WaitForAssertionAsync(() => Assert.Equal("New language joined", page.Find("[data-testid=status-reason]").TextContent.Trim()));
        Assert.DoesNotContain("newLanguage", page.Markup, StringComparison.Ordinal);
        await live.EndAsync("test over");
    }

    [Fact]
    public async Task Listener_WhenTheBrowserCannotPlayTheSpeech_LogsAWarning()
    {
        var live = await _sessions.CreateAsync("speaker", new NoClient(), "en", "standard", CancellationToken.None);
        var player = _bunit.JSInterop.SetupModule("./features/Broadcast/listen.js");
        player.SetupVoid("unlock").SetVoidResult();
        player.SetupVoid("play", _ => true).SetException(new JSException("start offset of Int16Array should be a multiple of 2"));
        var page = _bunit.Render<ListenerPage>(p => p.Add(l => l.SessionId, live.SessionId));
        await page.WaitForAssertionAsync(() => Assert.False(page.Find("[data-testid=listen-join]").HasAttribute("disabled")));
        page.Find("[data-testid=listen-join]").Click();
        await page.WaitForElementAsync("[data-testid=listen-state]");

        ((IBroadcastClient)page.Instance).OnAudio("segment-1", "es", 16000, new short[16000]);

        await page.WaitForAssertionAsync(() =>
        {
            var warning = Assert.Single(_logs.Entries, e => e.Level == LogLevel.Warning && e.Category.EndsWith(nameof(ListenerPage), StringComparison.Ordinal));
            Assert.Contains("segment-1", warning.Message, StringComparison.Ordinal);
            Assert.Contains("multiple of 2", warning.Exception?.Message, StringComparison.Ordinal);
        });
        await live.EndAsync("test over");
    }

    private sealed class SilentEngine : ISpeechEngine
    {
        public int SampleRate => 16000;

        public Task<ISpeechStream> OpenStreamAsync(SpeechStreamOptions options, ISpeechResultSink sink, CancellationToken cancellationToken) =>
            Task.FromResult<ISpeechStream>(new Stream());

        public SpeechEngineStatus GetStatus() => new(0, 0, 0);

        private sealed class Stream : ISpeechStream
        {
            public double SecondsWritten => 0;

            public double SecondsDecoded => 0;

            public void Write(ReadOnlySpan<short> samples, long arrivalTimestamp)
            {
            }

            public Task CompleteAsync(CancellationToken cancellationToken) => Task.CompletedTask;

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    private sealed class EchoTranslator : ITranslator
    {
        public IReadOnlyList<string> TargetsFor(string source) => ["en", "es", "fr"];

        public Task<string> TranslateAsync(string text, string source, string target, CancellationToken cancellationToken) => Task.FromResult(text);
    }

    private sealed class NoClient : IBroadcastClient
    {
        public void OnCaption(Caption caption)
        {
        }

        public void OnState(BroadcastState state)
        {
        }

        public void OnStatus(BroadcastStatus status)
        {
        }

        public void OnEnded(string reason)
        {
        }

        public void OnAudio(string segmentId, string language, int sampleRate, short[] samples)
        {
        }
    }
}
