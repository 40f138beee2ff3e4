using System.Collections.Concurrent;
using Dapr.Actors;
using Dapr.Actors.Runtime;
using Microsoft.Extensions.Options;
using Seva.Actors.Contracts;
using Seva.Actors.Dictation;
using Seva.Actors.Fanout;
using Seva.Actors.Hosting;
using Seva.Actors.Hosting.Dapr;
using Seva.Actors.Storage;
using Seva.Actors.Tests.Support;

namespace Seva.Actors.Tests.Hosting;

/// <summary>The Dapr host of a dictation, driven as the Dapr runtime drives it (ActorHost.CreateForTest,
/// a state manager and timer manager standing in for the sidecar's), over the real engine and store.</summary>
[Collection(EngineCollection.Name)]
public sealed class DaprDictationActorTests(EngineFixture fixture)
{
    private static readonly IOptions<HostingOptions> Hosting = Options.Create(new HostingOptions { Mode = HostingMode.Dapr });

    private static (DaprDictationActor Actor, MemoryStateManager State, RecordingTimers Timers) Create(ActorHarness harness, string sessionId, MemoryStateManager? state = null)
    {
        var timers = new RecordingTimers();
        var host = ActorHost.CreateForTest<DaprDictationActor>(new ActorTestOptions { ActorId = new ActorId(sessionId), TimerManager = timers });
        state ??= new MemoryStateManager();
        return (new DaprDictationActor(host, harness.Actors, harness.Sessions, Hosting, state), state, timers);
    }

    private static DictationStartRequest Start(ActorHarness harness, RecordingFollower follower, out FollowerRegistration<DictationEvent> registration)
    {
        registration = harness.Followers.Register(follower);
        registration.Open();
        return new DictationStartRequest(ActorHarness.Start(), registration.Address, Resumable: true);
    }

    [Fact]
    public async Task ADictation_RunsThroughTheActor_AndItsStateIsSavedFromStartToEnd()
    {
        await using var harness = new ActorHarness(fixture.Engine);
        var (actor, state, timers) = Create(harness, "dapr-s1");
        await actor.ActivateAsync();
        var follower = new RecordingFollower();

        var reply = await actor.StartAsync(Start(harness, follower, out var registration));
        var started = Assert.IsType<DictationStarted>(reply.Started);
        var running = state.Saved<DictationActorState>(DaprDictationActor.StateKey);
        Assert.Equal(DictationActorStatus.Running, running.Status);
        Assert.Equal(started.TranscriptionId, running.TranscriptionId);
        Assert.Equal(registration.Address, running.Follower);
        Assert.Equal(nameof(DaprDictationActor.CheckTimersAsync), Assert.Single(timers.Registered).TimerCallback);

        var pcm = ActorHarness.Pcm(Flite.Speak("she has a history of diabetes and high blood pressure").Samples);
        foreach (var chunk in pcm.Chunk(8000))
        {
            var accepted = await actor.AcceptAudioAsync(new DictationAudioRequest(registration.Address.ConnectionId, chunk, WaitUntilProcessed: true));
            Assert.Null(accepted.Error);
        }

        await actor.CheckTimersAsync(); // the timer's turn saves how far the session is
        Assert.Equal(pcm.Length, state.Saved<DictationActorState>(DaprDictationActor.StateKey).ReceivedBytes);

        var ended = await actor.EndAsync(new DictationEndRequest(registration.Address.ConnectionId));
        var completed = Assert.IsType<DictationCompleted>(ended.Completed);
        Assert.Equal(TranscriptionStatus.Completed, completed.Status);
        Assert.Contains("diabetes", (await harness.RecordAsync(started.TranscriptionId)).TranscriptText, StringComparison.OrdinalIgnoreCase);
        var final = state.Saved<DictationActorState>(DaprDictationActor.StateKey);
        Assert.Equal(DictationActorStatus.Ended, final.Status);
        Assert.Equal(completed, final.Completed);
        Assert.Single(timers.Unregistered);
        Assert.Contains(follower.Events, e => e is DictationCompleted);
    }

    [Fact]
    public async Task DaprDeactivatingARunningSession_KeepsWhatItReceived()
    {
        await using var harness = new ActorHarness(fixture.Engine);
        var (actor, _, _) = Create(harness, "dapr-s2");
        await actor.ActivateAsync();
        var reply = await actor.StartAsync(Start(harness, new RecordingFollower(), out var registration));
        await actor.AcceptAudioAsync(new DictationAudioRequest(registration.Address.ConnectionId, new byte[16000], WaitUntilProcessed: true));

        await actor.DeactivateAsync();

        var record = await harness.RecordAsync(reply.Started!.TranscriptionId);
        Assert.Equal(TranscriptionStatus.Failed, record.Status); // abandoned: its client never ended it
        Assert.Equal(0.5, record.AudioDurationSeconds, 2);
        await Poll.UntilAsync(() => harness.Sessions.ActiveCount == 0); // the slot frees as the session finishes
    }

    [Fact]
    public async Task ASessionPlacedHereAfterItsHostWentAway_AnswersThatItWasInterrupted_AndStartsNothing()
    {
        await using var elsewhere = new ActorHarness(fixture.Engine);
        var (first, state, _) = Create(elsewhere, "dapr-s3");
        await first.ActivateAsync();
        var reply = await first.StartAsync(Start(elsewhere, new RecordingFollower(), out _));
        Assert.NotNull(reply.Started);

        await using var here = new ActorHarness(fixture.Engine);
        var (moved, _, _) = Create(here, "dapr-s3", state); // the state store is shared; the session is not
        await moved.ActivateAsync();
        var follower = new RecordingFollower();
        var again = await moved.StartAsync(Start(here, follower, out var registration));
        var audio = await moved.AcceptAudioAsync(new DictationAudioRequest(registration.Address.ConnectionId, new byte[320]));

        Assert.Null(again.Started);
        Assert.Equal(DictationErrorCodes.TranscribeServiceError, again.Error!.Code);
        Assert.Contains("interrupted", again.Error.Message, StringComparison.Ordinal);
        Assert.Equal(DictationErrorCodes.TranscribeServiceError, audio.Error!.Code);
        Assert.Equal(0, here.Sessions.ActiveCount);
    }

    [Fact]
    public async Task ASecondStartOfARunningNonResumableSession_IsRefused_AsAlreadyActive()
    {
        await using var harness = new ActorHarness(fixture.Engine);
        var (actor, _, _) = Create(harness, "dapr-s4");
        await actor.ActivateAsync();
        var registration = harness.Followers.Register(new RecordingFollower());
        var request = new DictationStartRequest(ActorHarness.Start(), registration.Address, Resumable: false);
        Assert.NotNull((await actor.StartAsync(request)).Started);

        var second = await actor.StartAsync(request);

        Assert.Equal(DictationErrorCodes.InvalidSessionState, second.Error!.Code);
        await actor.EndAsync(new DictationEndRequest(registration.Address.ConnectionId));
    }

    /// <summary>The actor state manager as the runtime keeps it: a cache saved on SaveStateAsync, with the
    /// TTL each value was last set with (null: none), which <see cref="Expire"/> lets run out.</summary>
    internal sealed class MemoryStateManager : IActorStateManager
    {
        private readonly ConcurrentDictionary<string, object?> _cache = new();
        private readonly ConcurrentDictionary<string, object?> _saved = new();
        private readonly ConcurrentDictionary<string, TimeSpan?> _ttls = new();
        private readonly ConcurrentDictionary<string, TimeSpan?> _savedTtls = new();

        public T Saved<T>(string name) => (T)_saved[name]!;

        public TimeSpan? SavedTtl(string name) => _savedTtls[name];

        /// <summary>The saved value's TTL runs out: the store no longer has it.</summary>
        public void Expire(string name)
        {
            Assert.NotNull(_savedTtls[name]); // only a value saved with a TTL expires
            _saved.TryRemove(name, out _);
            _savedTtls.TryRemove(name, out _);
            _cache.TryRemove(name, out _);
            _ttls.TryRemove(name, out _);
        }

        public Task SaveStateAsync(CancellationToken cancellationToken = default)
        {
            _saved.Clear();
            _savedTtls.Clear();
            foreach (var (key, value) in _cache)
            {
                _saved[key] = value;
                _savedTtls[key] = _ttls.GetValueOrDefault(key);
            }

            return Task.CompletedTask;
        }

        public Task<ConditionalValue<T>> TryGetStateAsync<T>(string stateName, CancellationToken cancellationToken = default) =>
            Task.FromResult(_saved.TryGetValue(stateName, out var value) ? new ConditionalValue<T>(true, (T)value!) : new ConditionalValue<T>(false, default!));

        public Task SetStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default)
        {
            _cache[stateName] = value;
            _ttls[stateName] = null;
            return Task.CompletedTask;
        }

        public Task SetStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default)
        {
            _cache[stateName] = value;
            _ttls[stateName] = ttl;
            return Task.CompletedTask;
        }

        public Task AddStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default) => SetStateAsync(stateName, value, cancellationToken);

        public Task AddStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) => SetStateAsync(stateName, value, cancellationToken);

        public Task<T> GetStateAsync<T>(string stateName, CancellationToken cancellationToken = default) => Task.FromResult((T)_cache[stateName]!);

        public Task RemoveStateAsync(string stateName, CancellationToken cancellationToken = default)
        {
            _cache.TryRemove(stateName, out _);
            return Task.CompletedTask;
        }

        public Task<bool> TryAddStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default) => Task.FromResult(_cache.TryAdd(stateName, value));

        public Task<bool> TryAddStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) => TryAddStateAsync(stateName, value, cancellationToken);

        public Task<bool> TryRemoveStateAsync(string stateName, CancellationToken cancellationToken = default) => Task.FromResult(_cache.TryRemove(stateName, out _));

        public Task<bool> ContainsStateAsync(string stateName, CancellationToken cancellationToken = default) => Task.FromResult(_cache.ContainsKey(stateName));

        public Task<T> GetOrAddStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default) => Task.FromResult((T)_cache.GetOrAdd(stateName, value)!);

        public Task<T> GetOrAddStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) => GetOrAddStateAsync(stateName, value, cancellationToken);

        public Task<T> AddOrUpdateStateAsync<T>(string stateName, T addValue, Func<string, T, T> updateValueFactory, CancellationToken cancellationToken = default) =>
            Task.FromResult((T)_cache.AddOrUpdate(stateName, addValue, (k, old) => updateValueFactory(k, (T)old!))!);

        public Task<T> AddOrUpdateStateAsync<T>(string stateName, T addValue, Func<string, T, T> updateValueFactory, TimeSpan ttl, CancellationToken cancellationToken = default) =>
            AddOrUpdateStateAsync(stateName, addValue, updateValueFactory, cancellationToken);

        public Task ClearCacheAsync(CancellationToken cancellationToken = default)
        {
            _cache.Clear();
            return Task.CompletedTask;
        }

        public Task UnloadStateAsync(string stateName, UnloadStateOptions? options = null, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }

    internal sealed class RecordingTimers : ActorTimerManager
    {
        public List<ActorTimer> Registered { get; } = [];

        public List<ActorTimerToken> Unregistered { get; } = [];

        public override Task RegisterReminderAsync(ActorReminder reminder) => throw new NotSupportedException("no reminders expected");

        public override Task<IActorReminder> GetReminderAsync(ActorReminderToken reminder) => throw new NotSupportedException("no reminders expected");

        public override Task UnregisterReminderAsync(ActorReminderToken reminder) => throw new NotSupportedException("no reminders expected");

        public override Task RegisterTimerAsync(ActorTimer timer)
        {
            Registered.Add(timer);
            return Task.CompletedTask;
        }

        public override Task UnregisterTimerAsync(ActorTimerToken timer)
        {
            Unregistered.Add(timer);
            return Task.CompletedTask;
        }
    }
}
