using System.Collections.Concurrent;
using Dapr.Actors;
using Dapr.Actors.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Seva.Actors.Broadcast;
using Seva.Actors.Contracts;
using Seva.Actors.Fanout;
using Seva.Actors.Hosting;
using Seva.Actors.Hosting.Dapr;
using Seva.Actors.Hosting.InProcess;
using Seva.Actors.Speech;
using Seva.Actors.Storage;
using Seva.Actors.Tests.Support;
using Seva.Actors.Translation;
using static Seva.Actors.Tests.Hosting.DaprDictationActorTests;

namespace Seva.Actors.Tests.Hosting;

/// <summary>The Dapr host of a broadcast, driven as the Dapr runtime drives it (ActorHost.CreateForTest, a
/// state manager and timer manager standing in for the sidecar's). Two actor hosts (each its own
/// <see cref="BroadcastSessions"/>) share the state store, as Dapr's hosts of one app id do; the speaker's
/// and listeners' connections are on a web host both send their events to.</summary>
[Collection(EngineCollection.Name)]
public sealed class DaprBroadcastActorTests(EngineFixture fixture) : IAsyncLifetime
{
    private const string Sentence = "the patient has a headache";
    private static readonly TimeSpan EndedStateTtl = TimeSpan.FromHours(2);

    private readonly ApertiumTranslator _apertium = new(Options.Create(new ApertiumOptions()), NullLogger<ApertiumTranslator>.Instance);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly WebHost _web = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _apertium.DisposeAsync();

    [Fact]
    public async Task ABroadcastWhoseActorDaprMoved_GoesOnOnTheNextHost_ItsListenerGettingCaptionsThere_InTheNextEpoch()
    {
        var state = new MemoryStateManager();
        var a = new ActorHostApp(fixture.Engine, _apertium, _web.Events, _time);
        var (onA, _) = a.Activate("moving-owl-101", state);
        await onA.ActivateAsync();
        var speaker = _web.Connect();
        var listener = _web.Connect();
        Assert.NotNull((await onA.StartAsync(new BroadcastStartRequest(speaker.Address, "en", "standard"))).Started);
        Assert.Null((await onA.JoinAsync(new BroadcastJoinRequest(listener.Address, "es", AudioOn: false))).Error);
        Assert.Null((await onA.ControlAsync(new BroadcastControlRequest(speaker.Address.ConnectionId, BroadcastControls.SetVolume, new(Volume: 0.5)))).Error);
        var startedAt = a.Sessions.Find("moving-owl-101")!.Actor.CreatedAt;
        await SpeakAsync(onA, speaker);
        await Poll.UntilAsync(() => listener.Finals.Count > 0, TimeSpan.FromSeconds(60));

        // Dapr rebalances: the actor leaves host A, whose broadcast stops without a word to anyone...
        await onA.DeactivateAsync();
        Assert.Equal(0, a.Sessions.Count);
        Assert.Empty(listener.Ended);
        Assert.Empty(speaker.Ended);
        var finalsOnA = listener.Finals.Count;

        // ...and the speaker's next audio, an hour on, is placed on host B, which goes on from the saved state.
        _time.Advance(TimeSpan.FromHours(1));
        var b = new ActorHostApp(fixture.Engine, _apertium, _web.Events, _time);
        var (onB, timersOnB) = b.Activate("moving-owl-101", state);
        await onB.ActivateAsync();
        await SpeakAsync(onB, speaker);

        await Poll.UntilAsync(() => listener.Finals.Count > finalsOnA, TimeSpan.FromSeconds(60));
        Assert.Contains("dolor de cabeza", listener.Finals[^1].Text, StringComparison.OrdinalIgnoreCase);
        var finals = _web.SentTo(listener.Address).Where(e => e.Event.Caption is { IsPartial: false }).ToList();
        Assert.Equal(0, EventSequence.Epoch(finals[0].Sequence));
        Assert.Equal(1, EventSequence.Epoch(finals[^1].Sequence));
        var live = Assert.IsType<LiveBroadcast>(b.Sessions.Find("moving-owl-101"));
        Assert.Equal(startedAt, live.Actor.CreatedAt); // no fresh lease of life: it expires when it would have
        Assert.Equal(0.5, live.Actor.State.Volume);
        Assert.Equal("es", Assert.Single(live.Actor.Listeners).Language);
        Assert.Equal(nameof(DaprBroadcastActor.TickAsync), Assert.Single(timersOnB.Registered).TimerCallback);
        var saved = state.Saved<BroadcastActorState>(DaprBroadcastActor.StateKey);
        Assert.Equal((BroadcastActorStatus.Running, 1, startedAt), (saved.Status, saved.Epoch, saved.StartedAt));

        await onB.EndAsync(new BroadcastEndRequest("speakerEnded"));
        await Poll.UntilAsync(() => listener.Ended.Count == 1);
        Assert.Equal("speakerEnded", listener.Ended[0]);
    }

    [Fact]
    public async Task DaprDeactivatingALiveBroadcast_StopsItOnThatHost_AndTellsNoOne_ItsSavedStateStaysRunning()
    {
        var state = new MemoryStateManager();
        var a = new ActorHostApp(new ScriptedEngine(), new SameText(), _web.Events, _time);
        var (actor, _) = a.Activate("quiet-fox-202", state);
        await actor.ActivateAsync();
        var speaker = _web.Connect();
        var listener = _web.Connect();
        await actor.StartAsync(new BroadcastStartRequest(speaker.Address, "en", "standard"));
        await actor.JoinAsync(new BroadcastJoinRequest(listener.Address, "en", AudioOn: true));
        var before = _web.SentTo(listener.Address).Count;

        await actor.DeactivateAsync();

        Assert.Null(a.Sessions.Find("quiet-fox-202"));
        Assert.Equal(before, _web.SentTo(listener.Address).Count);
        Assert.Empty(speaker.Ended);
        var saved = state.Saved<BroadcastActorState>(DaprBroadcastActor.StateKey);
        Assert.Equal(BroadcastActorStatus.Running, saved.Status);
        Assert.Equal(new BroadcastListener(listener.Address, "en", true), Assert.Single(saved.Listeners));
    }

    [Fact]
    public async Task AListenerJoiningAfterAMove_GetsItsEventsInTheNewEpoch_AsDoTheListenersItCarried()
    {
        var state = new MemoryStateManager();
        var (onA, _) = new ActorHostApp(new ScriptedEngine(), new SameText(), _web.Events, _time).Activate("late-jay-303", state);
        await onA.ActivateAsync();
        var speaker = _web.Connect();
        var carried = _web.Connect();
        await onA.StartAsync(new BroadcastStartRequest(speaker.Address, "en", "standard"));
        await onA.JoinAsync(new BroadcastJoinRequest(carried.Address, "en", AudioOn: false));
        await onA.DeactivateAsync();

        var (onB, _) = new ActorHostApp(new ScriptedEngine(), new SameText(), _web.Events, _time).Activate("late-jay-303", state);
        await onB.ActivateAsync();
        var late = _web.Connect();
        Assert.Null((await onB.JoinAsync(new BroadcastJoinRequest(late.Address, "en", AudioOn: false))).Error);
        Assert.Null((await onB.ControlAsync(new BroadcastControlRequest(speaker.Address.ConnectionId, BroadcastControls.PauseBroadcast, new()))).Error);

        // Events of a new epoch wait a moment for any last ones of the previous host (FollowerRegistration).
        await Poll.UntilAsync(() => carried.States is [.., { IsPaused: true }] && late.States is [.., { IsPaused: true }], TimeSpan.FromSeconds(10));
        Assert.Equal(1, EventSequence.Epoch(_web.SentTo(carried.Address)[^1].Sequence));
        Assert.Equal(1, EventSequence.Epoch(_web.SentTo(late.Address)[^1].Sequence));
        Assert.True(state.Saved<BroadcastActorState>(DaprBroadcastActor.StateKey).State.IsPaused);
        await onB.EndAsync(new BroadcastEndRequest("speakerEnded"));
    }

    [Fact]
    public async Task ABroadcastThatCannotGoOnOnTheNextHost_AnswersSessionInterrupted_TellsItsListeners_AndIsSavedEnded()
    {
        var state = new MemoryStateManager();
        var (onA, _) = new ActorHostApp(new ScriptedEngine(), new SameText(), _web.Events, _time).Activate("lost-elk-404", state);
        await onA.ActivateAsync();
        var speaker = _web.Connect();
        var listener = _web.Connect();
        await onA.StartAsync(new BroadcastStartRequest(speaker.Address, "en", "standard"));
        await onA.JoinAsync(new BroadcastJoinRequest(listener.Address, "en", AudioOn: false));
        // Host A dies: no deactivation, nothing more saved.

        var refusing = new ScriptedEngine();
        refusing.FailNextOpens(1);
        var b = new ActorHostApp(refusing, new SameText(), _web.Events, _time);
        var (onB, _) = b.Activate("lost-elk-404", state);
        await onB.ActivateAsync();
        var audio = await onB.AcceptAudioAsync(new BroadcastAudioRequest(speaker.Address.ConnectionId, new byte[3200]));
        var again = await onB.AcceptAudioAsync(new BroadcastAudioRequest(speaker.Address.ConnectionId, new byte[3200]));

        Assert.Equal("SESSION_INTERRUPTED", audio.Error?.ErrorCode);
        Assert.Equal("SESSION_NOT_FOUND", again.Error?.ErrorCode); // it is over, not tried again
        Assert.Equal(1, refusing.OpenAttempts);
        Assert.Null(b.Sessions.Find("lost-elk-404"));
        await Poll.UntilAsync(() => listener.Ended.Count > 0, TimeSpan.FromSeconds(10)); // a new epoch's events wait a moment
        Assert.Equal(new[] { BroadcastSessions.HostShutdown }, listener.Ended);
        Assert.Equal(BroadcastActorStatus.Ended, state.Saved<BroadcastActorState>(DaprBroadcastActor.StateKey).Status);
        Assert.Equal(EndedStateTtl, state.SavedTtl(DaprBroadcastActor.StateKey));
    }

    [Fact]
    public async Task AStateSavedBeforeBroadcastsCouldMove_DoesNotGoOn_ItAnswersSessionInterrupted_AndIsSavedEnded()
    {
        var state = new MemoryStateManager();
        var speaker = _web.Connect();
        // As the state store gives back what the previous version wrote: no start time, controls or epoch.
        await state.SetStateAsync(DaprBroadcastActor.StateKey, new BroadcastActorState("old-emu-707", BroadcastActorStatus.Running, speaker.Address, "en", "standard", [], default, null!, 0));
        await state.SaveStateAsync();
        var engine = new ScriptedEngine();
        var host = new ActorHostApp(engine, new SameText(), _web.Events, _time);
        var (actor, _) = host.Activate("old-emu-707", state);
        await actor.ActivateAsync();

        var audio = await actor.AcceptAudioAsync(new BroadcastAudioRequest(speaker.Address.ConnectionId, new byte[3200]));

        Assert.Equal("SESSION_INTERRUPTED", audio.Error?.ErrorCode);
        Assert.Equal(0, engine.OpenAttempts);
        Assert.Equal(0, host.Sessions.Count);
        Assert.Equal(BroadcastActorStatus.Ended, state.Saved<BroadcastActorState>(DaprBroadcastActor.StateKey).Status);
    }

    [Fact]
    public async Task ABroadcastWhoseTimeRanOutWhileItMoved_EndsOnTheNextHost_ItsListenersToldItExpired()
    {
        var state = new MemoryStateManager();
        var (onA, _) = new ActorHostApp(new ScriptedEngine(), new SameText(), _web.Events, _time).Activate("late-owl-505", state);
        await onA.ActivateAsync();
        var speaker = _web.Connect();
        var listener = _web.Connect();
        await onA.StartAsync(new BroadcastStartRequest(speaker.Address, "en", "standard"));
        await onA.JoinAsync(new BroadcastJoinRequest(listener.Address, "en", AudioOn: false));
        _time.Advance(new BroadcastOptions().MaxDuration); // host A died; nobody called until past its expiry

        var engineOnB = new ScriptedEngine();
        var b = new ActorHostApp(engineOnB, new SameText(), _web.Events, _time);
        var (onB, timersOnB) = b.Activate("late-owl-505", state);
        await onB.ActivateAsync();
        var snapshot = await onB.GetSnapshotAsync(new BroadcastSnapshotRequest(StatusReasons.Requested));

        Assert.False(snapshot.Exists);
        await Poll.UntilAsync(() => listener.Ended.Count > 0, TimeSpan.FromSeconds(10)); // a new epoch's events wait a moment
        Assert.Equal(new[] { "expired" }, listener.Ended);
        Assert.Equal(0, engineOnB.OpenAttempts); // no speech stream for a broadcast that is over
        Assert.Empty(timersOnB.Registered);
        Assert.Equal(BroadcastActorStatus.Ended, state.Saved<BroadcastActorState>(DaprBroadcastActor.StateKey).Status);
        Assert.Equal(EndedStateTtl, state.SavedTtl(DaprBroadcastActor.StateKey));
    }

    [Fact]
    public async Task AnEndedBroadcast_IsSavedEndedWithTheConfiguredTtl_ItsIdTakenUntilTheStateExpires()
    {
        var state = new MemoryStateManager();
        var host = new ActorHostApp(new ScriptedEngine(), new SameText(), _web.Events, _time);
        var (actor, timers) = host.Activate("used-yak-606", state);
        await actor.ActivateAsync();
        var speaker = _web.Connect();
        var start = new BroadcastStartRequest(speaker.Address, "en", "standard");
        Assert.NotNull((await actor.StartAsync(start)).Started);
        // Running, its state outlives the broadcast's own expiry by the TTL, in case nobody ends it.
        Assert.Equal(new BroadcastOptions().MaxDuration + EndedStateTtl, state.SavedTtl(DaprBroadcastActor.StateKey));

        await actor.EndAsync(new BroadcastEndRequest("speakerEnded"));

        Assert.Equal(BroadcastActorStatus.Ended, state.Saved<BroadcastActorState>(DaprBroadcastActor.StateKey).Status);
        Assert.Equal(EndedStateTtl, state.SavedTtl(DaprBroadcastActor.StateKey));
        Assert.Single(timers.Unregistered);
        var (later, _) = host.Activate("used-yak-606", state);
        await later.ActivateAsync();
        Assert.Equal(BroadcastLauncher.IdTaken, (await later.StartAsync(start)).Error?.ErrorCode);

        state.Expire(DaprBroadcastActor.StateKey);
        var (afterTtl, _) = host.Activate("used-yak-606", state);
        await afterTtl.ActivateAsync();
        Assert.NotNull((await afterTtl.StartAsync(start)).Started);
        await afterTtl.EndAsync(new BroadcastEndRequest("speakerEnded"));
    }

    private static async Task SpeakAsync(DaprBroadcastActor actor, Connection speaker)
    {
        var pcm = ActorHarness.Pcm([.. Flite.Speak(Sentence).Samples, .. new short[16000]]);
        foreach (var chunk in pcm.Chunk(8000))
        {
            Assert.Null((await actor.AcceptAudioAsync(new BroadcastAudioRequest(speaker.Address.ConnectionId, chunk))).Error);
        }
    }

    /// <summary>One actor host of the app: its own broadcasts, on the engine and translator given; its events
    /// go to the web host's connections (pub/sub in a deployment).</summary>
    private sealed class ActorHostApp(ISpeechEngine engine, ITranslator translator, IBroadcastEventSink events, TimeProvider time)
    {
        private static readonly IOptions<HostingOptions> Hosting = Options.Create(new HostingOptions { Mode = HostingMode.Dapr, Dapr = { EndedStateTtl = EndedStateTtl } });
        private static readonly IOptions<BroadcastOptions> Broadcasts = Options.Create(new BroadcastOptions());

        public BroadcastSessions Sessions { get; } = new(
            engine,
            translator,
            new EspeakSynthesizer(),
            Broadcasts,
            time,
            NullLoggerFactory.Instance,
            new EngineCircuitBreaker(Options.Create(new EngineBreakerOptions()), time, NullLogger<EngineCircuitBreaker>.Instance));

        /// <summary>The broadcast's actor as Dapr activates it on this host.</summary>
        public (DaprBroadcastActor Actor, RecordingTimers Timers) Activate(string broadcastId, MemoryStateManager state)
        {
            var timers = new RecordingTimers();
            var host = Dapr.Actors.Runtime.ActorHost.CreateForTest<DaprBroadcastActor>(new ActorTestOptions { ActorId = new ActorId(broadcastId), TimerManager = timers });
            return (new DaprBroadcastActor(host, new InProcessBroadcastActors(Sessions, events, time), Sessions, Broadcasts, Hosting, time, state), timers);
        }
    }

    /// <summary>The web host holding the speaker's and listeners' connections: it records each event sent
    /// to them, with its number, and hands it on as the fan-out does.</summary>
    private sealed class WebHost
    {
        private readonly BroadcastFollowers _followers = new(new RecordLease("web-1", TimeSpan.FromMinutes(1)), NullLogger<BroadcastFollowers>.Instance);
        private readonly ConcurrentQueue<(FollowerAddress To, long Sequence, BroadcastEvent Event)> _sent = new();

        public WebHost() => Events = new Sink(this);

        public IBroadcastEventSink Events { get; }

        public Connection Connect()
        {
            var connection = new Connection();
            var registration = _followers.Register(connection);
            registration.Open();
            connection.Address = registration.Address;
            return connection;
        }

        public IReadOnlyList<(long Sequence, BroadcastEvent Event)> SentTo(FollowerAddress address) =>
            [.. _sent.Where(s => s.To == address).Select(s => (s.Sequence, s.Event))];

        private sealed class Sink(WebHost web) : IBroadcastEventSink
        {
            private readonly InProcessBroadcastEvents _delivery = new(web._followers);

            public void Send(FollowerAddress to, long sequence, BroadcastEvent broadcastEvent)
            {
                web._sent.Enqueue((to, sequence, broadcastEvent));
                _delivery.Send(to, sequence, broadcastEvent);
            }
        }
    }

    /// <summary>A speaker's or listener's connection: what reached it, in the order it was passed on.</summary>
    private sealed class Connection : IBroadcastClient
    {
        private readonly ConcurrentQueue<Caption> _captions = new();
        private readonly ConcurrentQueue<BroadcastState> _states = new();
        private readonly ConcurrentQueue<string> _ended = new();

        public FollowerAddress Address { get; set; } = null!;

        public IReadOnlyList<Caption> Finals => [.. _captions.Where(c => !c.IsPartial)];

        public IReadOnlyList<BroadcastState> States => [.. _states];

        public IReadOnlyList<string> Ended => [.. _ended];

        public void OnCaption(Caption caption) => _captions.Enqueue(caption);

        public void OnState(BroadcastState state) => _states.Enqueue(state);

        public void OnStatus(BroadcastStatus status)
        {
        }

        public void OnEnded(string reason) => _ended.Enqueue(reason);

        public void OnAudio(string segmentId, string language, int sampleRate, short[] samples)
        {
        }
    }

    /// <summary>A translator for tests where translation is not the point: every language gets the words.</summary>
    private sealed class SameText : ITranslator
    {
        public IReadOnlyList<string> TargetsFor(string source) => [source, "es"];

        public Task<string> TranslateAsync(string text, string source, string target, CancellationToken cancellationToken) => Task.FromResult(text);
    }
}
