using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Seva.Actors.Broadcast;
using Seva.Actors.Speech;
using Seva.Actors.Tests.Support;
using Seva.Actors.Translation;

namespace Seva.Actors.Tests.Broadcast;

/// <summary>Broadcasts share the engine's circuit breaker with dictation: their failures count, and an
/// open breaker refuses new broadcasts without calling the engine.</summary>
public sealed class BroadcastBreakerTests
{
    [Fact]
    public async Task EngineFailures_OfARunningBroadcastAndOfAStart_OpenTheBreaker_ThenNewBroadcastsAreRefusedWithoutTheEngine()
    {
        var engine = new ScriptedEngine();
        var breaker = new EngineCircuitBreaker(Options.Create(new EngineBreakerOptions { FailureThreshold = 2, SamplingDuration = TimeSpan.FromSeconds(60), BreakDuration = TimeSpan.FromSeconds(30) }), TimeProvider.System, NullLogger<EngineCircuitBreaker>.Instance);
        var sessions = new BroadcastSessions(engine, new SameText(), new EspeakSynthesizer(), Options.Create(new BroadcastOptions()), TimeProvider.System, NullLoggerFactory.Instance, breaker);

        await sessions.CreateAsync("speaker-1", new Silent(), "en", "standard", CancellationToken.None);
        engine.Streams[0].Fail(); // the running broadcast's decoder crashes: one failure
        engine.FailNextOpens(1);
        var failedStart = await Assert.ThrowsAsync<BroadcastException>(() => sessions.CreateAsync("speaker-2", new Silent(), "en", "standard", CancellationToken.None));
        Assert.Equal("TRANSCRIBE_SERVICE_ERROR", failedStart.Error.ErrorCode); // the second: the breaker opens

        var attempts = engine.OpenAttempts;
        var refused = await Assert.ThrowsAsync<BroadcastException>(() => sessions.CreateAsync("speaker-3", new Silent(), "en", "standard", CancellationToken.None));
        Assert.Equal(503, refused.Error.Code);
        Assert.Equal("TRANSCRIBE_SERVICE_ERROR", refused.Error.ErrorCode);
        Assert.Contains("Try again in 30 s", refused.Error.Message, StringComparison.Ordinal);
        Assert.Equal(attempts, engine.OpenAttempts);
        Assert.Equal(EngineBreakerState.Open, breaker.State);
    }

    [Fact]
    public async Task ABroadcastWhoseDecoderFails_GetsAFreshStreamOnTheNextAudio_AndGoesOn()
    {
        var engine = new ScriptedEngine();
        var breaker = new EngineCircuitBreaker(Options.Create(new EngineBreakerOptions()), TimeProvider.System, NullLogger<EngineCircuitBreaker>.Instance);
        var sessions = new BroadcastSessions(engine, new SameText(), new EspeakSynthesizer(), Options.Create(new BroadcastOptions()), TimeProvider.System, NullLoggerFactory.Instance, breaker);
        var live = await sessions.CreateAsync("speaker-1", new Silent(), "en", "standard", CancellationToken.None);
        engine.Streams[0].Fail();

        await live.AcceptAudioAsync(new byte[3200], 0);

        Assert.Equal(2, engine.Streams.Count);
        Assert.True(engine.Streams[0].Disposed);
        Assert.Equal(1600, engine.Streams[1].Written.Length);
    }

    private sealed class SameText : ITranslator
    {
        public IReadOnlyList<string> TargetsFor(string source) => [source];

        public Task<string> TranslateAsync(string text, string source, string target, CancellationToken cancellationToken) => Task.FromResult(text);
    }

    private sealed class Silent : IBroadcastClient
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
