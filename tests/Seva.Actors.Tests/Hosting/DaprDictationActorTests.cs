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
        return (new DaprDictationActor(host, harness.Actors, harness.Sessions, Hosting, Options.Create(new DictationOptions()), state), state, timers);
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
        Assert.Equal(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(30 + 5), state.SavedTtl(DaprDictationActor.StateKey)); // outlives any recording
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
        Assert.Equal(TimeSpan.FromHours(24), state.SavedTtl(DaprDictationActor.StateKey)); // then it goes
        Assert.Single(timers.Unregistered);
        Assert.Contains(follower.Events, e => e is DictationCompleted);
    }

    [Fact]
    public async Task DaprDeactivatingARunningSession_MovesItOffThisHost_KeepingWhatItReceivedInItsOpenRecord()
    {
        await using var harness = new ActorHarness(fixture.Engine);
        var (actor, state, _) = Create(harness, "dapr-s2");
        await actor.ActivateAsync();
        var reply = await actor.StartAsync(Start(harness, new RecordingFollower(), out var registration));
        await actor.AcceptAudioAsync(new DictationAudioRequest(registration.Address.ConnectionId, new byte[16000]));

        await actor.DeactivateAsync();

        var record = await harness.RecordAsync(reply.Started!.TranscriptionId);
        Assert.Equal(TranscriptionStatus.InProgress, record.Status); // not ended: it goes on where Dapr places it next
        Assert.Equal(RecordLease.Released, record.HostId);
        Assert.Equal(0.5, record.AudioDurationSeconds, 3); // the queued audio was taken before it moved
        Assert.NotEmpty(await harness.AudioAsync(record.AudioKey!)); // completed as it left
        Assert.Equal(DictationActorStatus.Running, state.Saved<DictationActorState>(DaprDictationActor.StateKey).Status); // for the next host
        Assert.Equal(0, harness.Sessions.ActiveCount);
    }

    [Fact]
    public async Task ASessionDaprMoved_GoesOnOnTheNextHost_AndItsRecordHasTheTextAndAudioOfBoth()
    {
        await using var first = new ActorHarness(fixture.Engine);
        var (before, state, _) = Create(first, "dapr-move");
        await before.ActivateAsync();
        var follower = new RecordingFollower();
        var started = (await before.StartAsync(Start(first, follower, out var registration))).Started!;
        var connection = registration.Address.ConnectionId;
        var one = ActorHarness.Pcm(Flite.Speak("she has a history of diabetes and high blood pressure").Samples);
        var two = ActorHarness.Pcm(Flite.Speak("the patient denies chest pain").Samples);
        foreach (var chunk in one.Chunk(8000))
        {
            Assert.Null((await before.AcceptAudioAsync(new DictationAudioRequest(connection, chunk))).Error);
        }

        await before.DeactivateAsync();
        var audioKey = (await first.RecordAsync(started.TranscriptionId)).AudioKey!;
        var firstPart = await first.AudioAsync(audioKey);

        await using var second = first.SecondHost(fixture.Engine, sharesAudio: true);
        var (after, _, timers) = Create(second, "dapr-move", state);
        await after.ActivateAsync();
        foreach (var chunk in two.Chunk(8000))
        {
            var accepted = await after.AcceptAudioAsync(new DictationAudioRequest(connection, chunk));
            Assert.Null(accepted.Error);
        }

        var ended = await after.EndAsync(new DictationEndRequest(connection));

        Assert.Equal(TranscriptionStatus.Completed, ended.Completed!.Status);
        Assert.Equal(nameof(DaprDictationActor.CheckTimersAsync), Assert.Single(timers.Registered).TimerCallback);
        var record = await first.RecordAsync(started.TranscriptionId);
        Assert.Equal(TranscriptionStatus.Completed, record.Status);
        Assert.Equal("host-b", record.HostId);
        Assert.Contains("diabetes", record.TranscriptText, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("chest pain", record.TranscriptText, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Seva.Actors.Audio.Pcm.Seconds((one.Length + two.Length) / 2, 16000), record.AudioDurationSeconds, 2);
        Assert.Equal(audioKey, record.AudioKey); // one recording, continued where it was
        var whole = await first.AudioAsync(audioKey);
        Assert.True(whole.Length > firstPart.Length);
        Assert.Equal(firstPart, whole[..firstPart.Length]);
        Assert.Equal(1, state.Saved<DictationActorState>(DaprDictationActor.StateKey).Epoch);

        // The follower heard both hosts: the second host's events were numbered afresh, not dropped (they
        // wait a moment for any last event of the first host).
        await Poll.UntilAsync(() => follower.Events.Any(e => e is DictationCompleted), TimeSpan.FromSeconds(15));
        var finals = string.Join(' ', follower.Finals.Select(f => f.Text));
        Assert.Contains("diabetes", finals, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("chest pain", finals, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(follower.Events, e => e is DictationCompleted);
    }

    [Fact]
    public async Task ASessionWhoseHostCrashed_GoesOnFromWhatItsRecordSaved_WithTheRestOfItsAudioInANewObject()
    {
        await using var first = new ActorHarness(fixture.Engine);
        var (before, state, _) = Create(first, "dapr-crash");
        await before.ActivateAsync();
        var started = (await before.StartAsync(Start(first, new RecordingFollower(), out var registration))).Started!;
        var connection = registration.Address.ConnectionId;
        var spoken = ActorHarness.Pcm(Flite.Speak("she has a history of diabetes and high blood pressure").Samples);
        foreach (var chunk in spoken.Concat(new byte[48000]).Chunk(8000)) // a pause after it ends the utterance
        {
            await before.AcceptAudioAsync(new DictationAudioRequest(connection, [.. chunk], WaitUntilProcessed: true));
        }

        await Poll.UntilAsync(() => first.RecordAsync(started.TranscriptionId), r => r.TranscriptText.Contains("diabetes", StringComparison.OrdinalIgnoreCase));
        await before.CheckTimersAsync(); // the last state saved before the host "crashes": no deactivation follows
        var firstKey = (await first.RecordAsync(started.TranscriptionId)).AudioKey;

        // The second host has its own disk: the first host's file cannot be continued there.
        await using var second = first.SecondHost(fixture.Engine, sharesAudio: false);
        var (after, _, _) = Create(second, "dapr-crash", state);
        await after.ActivateAsync();

        // While the first host's lease holds, it may still be writing the record: the session waits.
        var early = await after.AcceptAudioAsync(new DictationAudioRequest(connection, new byte[8000]));
        Assert.True(early.Error is { Recoverable: true, RetryAfter: > 0 }, early.Error?.Message);
        Assert.Equal(DictationActorStatus.Running, state.Saved<DictationActorState>(DaprDictationActor.StateKey).Status);
        Assert.Equal(0, second.Sessions.ActiveCount);

        first.Sql("UPDATE transcriptions SET lease_expires_at = '2000-01-01 00:00:00'"); // the crashed host stopped renewing
        foreach (var chunk in ActorHarness.Pcm(Flite.Speak("the patient denies chest pain").Samples).Chunk(8000))
        {
            Assert.Null((await after.AcceptAudioAsync(new DictationAudioRequest(connection, chunk))).Error);
        }

        var ended = await after.EndAsync(new DictationEndRequest(connection));

        Assert.Equal(TranscriptionStatus.Completed, ended.Completed!.Status);
        var record = await first.RecordAsync(started.TranscriptionId);
        Assert.Contains("diabetes", record.TranscriptText, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("chest pain", record.TranscriptText, StringComparison.OrdinalIgnoreCase);
        Assert.NotEqual(firstKey, record.AudioKey);
        Assert.NotEmpty(await second.AudioAsync(record.AudioKey!));
        Assert.Equal(2, state.Saved<DictationActorState>(DaprDictationActor.StateKey).Epoch); // the refused try burnt one
    }

    [Fact]
    public async Task AMovedSessionWhoseRecordWasClosedMeanwhile_AnswersThatItCannotGoOn_AndStartsNothing()
    {
        await using var first = new ActorHarness(fixture.Engine);
        var (before, state, _) = Create(first, "dapr-s3");
        await before.ActivateAsync();
        var reply = await before.StartAsync(Start(first, new RecordingFollower(), out _));
        Assert.NotNull(reply.Started);
        await before.DeactivateAsync();
        var id = reply.Started!.TranscriptionId;
        await first.Records.FinishAsync(id, TranscriptionStatus.Failed, new TranscriptionOutcome(string.Empty, null, 0, 0, null, "SERVER_RESTARTED"), CancellationToken.None); // its lease ran out before anyone came back

        await using var second = first.SecondHost(fixture.Engine, sharesAudio: true);
        var (moved, _, _) = Create(second, "dapr-s3", state);
        await moved.ActivateAsync();
        var registration = second.Followers.Register(new RecordingFollower());
        var audio = await moved.AcceptAudioAsync(new DictationAudioRequest(registration.Address.ConnectionId, new byte[320]));

        Assert.Equal(DictationErrorCodes.TranscribeServiceError, audio.Error!.Code);
        Assert.Contains("cannot go on", audio.Error.Message, StringComparison.Ordinal);
        Assert.Equal(DictationActorStatus.Ended, state.Saved<DictationActorState>(DaprDictationActor.StateKey).Status);
        Assert.Equal(0, second.Sessions.ActiveCount);
        Assert.Equal(TranscriptionStatus.Failed, (await first.RecordAsync(id)).Status);
    }

    [Fact]
    public async Task ASessionThatEndedOnThisHostUnseenByTheActor_AnswersItsOutcome_NotAMove()
    {
        await using var harness = new ActorHarness(fixture.Engine);
        var (actor, state, _) = Create(harness, "dapr-ended");
        await actor.ActivateAsync();
        var started = (await actor.StartAsync(Start(harness, new RecordingFollower(), out var registration))).Started!;

        // Ended by the session's own rules (here: abandoned, as when its resume window runs out), between
        // two calls of the actor, so the saved state still says running.
        await harness.Sessions.Find("dapr-ended")!.AbandonAsync();
        await Poll.UntilAsync(() => harness.Sessions.ActiveCount == 0);
        var ended = await actor.EndAsync(new DictationEndRequest(registration.Address.ConnectionId));
        await actor.CheckTimersAsync();

        Assert.Null(ended.Error);
        Assert.Equal(started.TranscriptionId, ended.Completed!.TranscriptionId);
        Assert.Equal(DictationActorStatus.Ended, state.Saved<DictationActorState>(DaprDictationActor.StateKey).Status);
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
