using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Seva.Actors.Broadcast;
using Seva.Actors.Hosting;
using Seva.Actors.Tests.Support;
using Seva.Actors.Translation;

namespace Seva.Actors.Tests.Broadcast;

[Collection(EngineCollection.Name)]
public sealed class BroadcastActorTests(EngineFixture engine) : IAsyncLifetime
{
    private const string Sentence = "the patient has a headache";

    /// <summary>The final as captions write it, before translation: a sentence.</summary>
    private const string Caption = "The patient has a headache.";
    private readonly ApertiumTranslator _apertium = new(Options.Create(new ApertiumOptions()), NullLogger<ApertiumTranslator>.Instance);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private CountingTranslator _translator = null!;
    private ActorMailbox _mailbox = null!;
    private BroadcastActor _actor = null!;
    private readonly Client _speaker = new();

    public async Task InitializeAsync()
    {
        _translator = new CountingTranslator(_apertium);
        _mailbox = new ActorMailbox(NullLogger.Instance);
        _actor = NewActor(new BroadcastOptions(), _mailbox);
        await _mailbox.CallAsync(() => _actor.StartAsync("speaker", _speaker, CancellationToken.None));
    }

    public async Task DisposeAsync()
    {
        await _mailbox.CallAsync(() => _actor.EndAsync("test over", CancellationToken.None));
        await _mailbox.DisposeAsync();
        await _apertium.DisposeAsync();
    }

    [Fact]
    public async Task Listeners_GetFinalsInTheirLanguage_TranslatedOncePerLanguage()
    {
        var es1 = new Client();
        var es2 = new Client();
        var fr = new Client();
        await _mailbox.CallAsync(() => _actor.JoinAsync("l1", "es", false, es1, CancellationToken.None));
        await _mailbox.CallAsync(() => _actor.JoinAsync("l2", "es", false, es2, CancellationToken.None));
        await _mailbox.CallAsync(() => _actor.JoinAsync("l3", "fr", false, fr, CancellationToken.None));

        await SpeakAsync();

        await Poll.UntilAsync(() => fr.Finals.Count > 0 && es1.Finals.Count > 0 && es2.Finals.Count > 0 && _speaker.Finals.Count > 0);
        Assert.Contains("dolor de cabeza", es1.Finals[0].Text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(es1.Finals[0].Text, es2.Finals[0].Text);
        Assert.Equal("fr", fr.Finals[0].Language);
        Assert.Contains("patient", fr.Finals[0].Text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Caption, _speaker.Finals[0].Text);
        Assert.Equal(Caption, es1.Finals[0].SourceText);
        Assert.Matches(@"^\p{Lu}.*\.$", es1.Finals[0].Text); // translated as a sentence, read as one
        // Two Spanish listeners and one French: each text is translated as often into Spanish as into
        // French, that is once per language in use, not once per listener.
        Assert.True(_translator.Calls(Caption, "es") >= 1);
        Assert.Equal(_translator.Calls(Caption, "fr"), _translator.Calls(Caption, "es"));
    }

    [Fact]
    public async Task WhilePaused_NothingIsTranscribed_AndListenersAreTold()
    {
        var es = new Client();
        await _mailbox.CallAsync(() => _actor.JoinAsync("l1", "es", false, es, CancellationToken.None));
        await _mailbox.CallAsync(() => Task.FromResult(_actor.Control("speaker", BroadcastControls.PauseBroadcast, new())));
        Assert.True(es.States[^1].IsPaused);

        await SpeakAsync();
        await _mailbox.CallAsync(() => Task.FromResult(_actor.Control("speaker", BroadcastControls.ResumeBroadcast, new())));
        await SpeakSilenceAsync(1.0);
        Assert.Empty(es.Captions);

        await SpeakAsync();
        await Poll.UntilAsync(() => es.Finals.Count > 0);
    }

    [Fact]
    public async Task LateListener_GetsTheRecentCaptionsInItsLanguage_ButNotOlderThanFiveMinutes()
    {
        await SpeakAsync();
        await Poll.UntilAsync(() => _speaker.Finals.Count > 0);

        var late = await _mailbox.CallAsync(() => _actor.JoinAsync("late", "es", false, new Client(), CancellationToken.None));
        Assert.Contains("dolor de cabeza", Assert.Single(late).Text, StringComparison.OrdinalIgnoreCase);

        _time.Advance(TimeSpan.FromMinutes(6));
        var later = await _mailbox.CallAsync(() => _actor.JoinAsync("later", "fr", false, new Client(), CancellationToken.None));
        Assert.Empty(later);
    }

    [Fact]
    public async Task LateListener_WithAShorterRecentCaptionsWindow_GetsNothingOlderThanIt()
    {
        var mailbox = new ActorMailbox(NullLogger.Instance);
        var speaker = new Client();
        var actor = NewActor(new BroadcastOptions { RecentCaptionsWindow = TimeSpan.FromSeconds(30) }, mailbox);
        try
        {
            await mailbox.CallAsync(() => actor.StartAsync("speaker", speaker, CancellationToken.None));
            await SpeakAsync(actor, mailbox);
            await Poll.UntilAsync(() => speaker.Finals.Count > 0);

            _time.Advance(TimeSpan.FromSeconds(20));
            Assert.Single(await mailbox.CallAsync(() => actor.JoinAsync("late", "es", false, new Client(), CancellationToken.None)));
            _time.Advance(TimeSpan.FromSeconds(20)); // 40 s: inside the default five minutes, outside this window
            Assert.Empty(await mailbox.CallAsync(() => actor.JoinAsync("later", "es", false, new Client(), CancellationToken.None)));
        }
        finally
        {
            await mailbox.CallAsync(() => actor.EndAsync("test over", CancellationToken.None));
            await mailbox.DisposeAsync();
        }
    }

    [Fact]
    public async Task OnlyTheSpeakerControls_AndLanguagesAreChecked()
    {
        var listener = new Client();
        await _mailbox.CallAsync(() => _actor.JoinAsync("l1", "es", false, listener, CancellationToken.None));
        var forbidden = await Assert.ThrowsAsync<BroadcastException>(() => _mailbox.CallAsync(() => Task.FromResult(_actor.Control("l1", BroadcastControls.MuteBroadcast, new()))));
        Assert.Equal(403, forbidden.Error.Code);

        var unsupported = await Assert.ThrowsAsync<BroadcastException>(() => _mailbox.CallAsync(() => _actor.JoinAsync("l2", "xx", false, new Client(), CancellationToken.None)));
        Assert.Equal(400, unsupported.Error.Code);
        Assert.Contains("es", unsupported.Error.Message, StringComparison.Ordinal);

        await _mailbox.CallAsync(() => { _actor.ChangeLanguage("l1", "fr"); return Task.CompletedTask; });
        Assert.Equal("fr", _actor.Listeners.Single().Language);
    }

    [Fact]
    public async Task Speaker_GetsAStatus_WhenANewLanguageAppears()
    {
        await _mailbox.CallAsync(() => _actor.JoinAsync("l1", "es", false, new Client(), CancellationToken.None));
        await _mailbox.CallAsync(() => _actor.JoinAsync("l2", "fr", false, new Client(), CancellationToken.None));
        var status = _speaker.Statuses[^1];
        Assert.Equal(StatusReasons.NewLanguage, status.UpdateReason);
        Assert.Equal(2, status.ListenerCount);
        Assert.Equal(1, status.LanguageDistribution["fr"]);
    }

    [Fact]
    public async Task ListenersWithAudioOn_HearTheFinalInTheirLanguage_AtTheSpeakersVolume_AndNothingWhileMuted()
    {
        var loud = new Client();
        var silent = new Client();
        await _mailbox.CallAsync(() => _actor.JoinAsync("a", "es", true, loud, CancellationToken.None));
        await _mailbox.CallAsync(() => _actor.JoinAsync("b", "es", false, silent, CancellationToken.None));
        await _mailbox.CallAsync(() => Task.FromResult(_actor.Control("speaker", BroadcastControls.SetVolume, new(Volume: 0.5))));

        await SpeakAsync();
        await Poll.UntilAsync(() => !loud.Audio.IsEmpty);
        var (language, samples) = loud.Audio.Single();
        Assert.Equal("es", language);
        Assert.True(samples.Length > 16000 / 2, "at least half a second of speech");
        Assert.True(samples.Max(s => Math.Abs((int)s)) <= short.MaxValue / 2 + 1, "volume 0.5 halves the level");
        Assert.Empty(silent.Audio);

        await _mailbox.CallAsync(() => Task.FromResult(_actor.Control("speaker", BroadcastControls.MuteBroadcast, new())));
        await SpeakAsync();
        await _mailbox.CallAsync(() => Task.FromResult(_actor.Control("speaker", BroadcastControls.UnmuteBroadcast, new())));
        await SpeakSilenceAsync(1.0);
        Assert.Single(loud.Audio);
    }

    [Fact]
    public async Task Suspending_SendsTheWordsAlreadySpoken_AndTellsNoOneItEnded()
    {
        var mailbox = new ActorMailbox(NullLogger.Instance);
        var speaker = new Client();
        var listener = new Client();
        var actor = NewActor(new BroadcastOptions(), mailbox);
        await mailbox.CallAsync(() => actor.StartAsync("speaker", speaker, CancellationToken.None));
        await mailbox.CallAsync(() => actor.JoinAsync("l1", "es", false, listener, CancellationToken.None));
        foreach (var chunk in Flite.Speak(Sentence).Samples.Chunk(4000))
        {
            // No trailing silence: the utterance is still in flight when its host gives the broadcast up.
            await mailbox.CallAsync(() => actor.AcceptAudioAsync(chunk, TimeProvider.System.GetTimestamp()));
        }

        await mailbox.CallAsync(() => actor.SuspendAsync(CancellationToken.None));

        Assert.Contains("dolor de cabeza", Assert.Single(listener.Finals).Text, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(listener.Ended);
        Assert.Empty(speaker.Ended);
        Assert.Empty(actor.Listeners);
        await mailbox.DisposeAsync();
    }

    [Fact]
    public void Broadcast_ExpiresTwelveHoursAfterItStarted()
    {
        Assert.Equal(_actor.CreatedAt.AddHours(12), _actor.ExpiresAt);
        Assert.False(_actor.IsExpired);
        _time.Advance(TimeSpan.FromHours(12));
        Assert.True(_actor.IsExpired);
    }

    [Fact]
    public void Broadcast_ExpiresAfterTheConfiguredMaxDuration()
    {
        var actor = NewActor(new BroadcastOptions { MaxDuration = TimeSpan.FromHours(2) }, _mailbox);
        _time.Advance(TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1));
        Assert.False(actor.IsExpired);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(actor.IsExpired);
    }

    private BroadcastActor NewActor(BroadcastOptions options, ActorMailbox mailbox) =>
        new("golden-eagle-427", "en", "standard", engine.Engine, _translator, options, _time, NullLogger.Instance, work => mailbox.Post(work), new Seva.Actors.Speech.EspeakSynthesizer());

    private Task SpeakAsync() => SpeakAsync(_actor, _mailbox);

    private static async Task SpeakAsync(BroadcastActor actor, ActorMailbox mailbox)
    {
        var samples = Flite.Speak(Sentence).Samples.Concat(new short[16000]).ToArray();
        foreach (var chunk in samples.Chunk(4000))
        {
            await mailbox.CallAsync(() => actor.AcceptAudioAsync(chunk, TimeProvider.System.GetTimestamp()));
        }
    }

    private async Task SpeakSilenceAsync(double seconds)
    {
        var silence = new short[(int)(seconds * 16000)];
        await _mailbox.CallAsync(() => _actor.AcceptAudioAsync(silence, TimeProvider.System.GetTimestamp()));
    }

    private sealed class Client : IBroadcastClient
    {
        private readonly ConcurrentQueue<Caption> _captions = new();
        private readonly ConcurrentQueue<BroadcastState> _states = new();
        private readonly ConcurrentQueue<BroadcastStatus> _statuses = new();
        private readonly ConcurrentQueue<string> _ended = new();

        public IReadOnlyList<Caption> Captions => [.. _captions];

        public IReadOnlyList<Caption> Finals => [.. _captions.Where(c => !c.IsPartial)];

        public IReadOnlyList<BroadcastState> States => [.. _states];

        public IReadOnlyList<BroadcastStatus> Statuses => [.. _statuses];

        public void OnCaption(Caption caption) => _captions.Enqueue(caption);

        public void OnState(BroadcastState state) => _states.Enqueue(state);

        public void OnStatus(BroadcastStatus status) => _statuses.Enqueue(status);

        public IReadOnlyList<string> Ended => [.. _ended];

        public void OnEnded(string reason) => _ended.Enqueue(reason);

        public void OnAudio(string segmentId, string language, int sampleRate, short[] samples) => Audio.Enqueue((language, samples));

        public ConcurrentQueue<(string Language, short[] Samples)> Audio { get; } = new();
    }

    /// <summary>The real translator, counting what it is asked to translate.</summary>
    private sealed class CountingTranslator(ITranslator inner) : ITranslator
    {
        private readonly ConcurrentDictionary<(string, string), int> _calls = new();

        public int Calls(string text, string target) => _calls.GetValueOrDefault((text, target));

        public IReadOnlyList<string> TargetsFor(string source) => inner.TargetsFor(source);

        public Task<string> TranslateAsync(string text, string source, string target, CancellationToken cancellationToken)
        {
            _calls.AddOrUpdate((text, target), 1, (_, n) => n + 1);
            return inner.TranslateAsync(text, source, target, cancellationToken);
        }
    }
}
