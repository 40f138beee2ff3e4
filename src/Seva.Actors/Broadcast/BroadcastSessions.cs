using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Seva.Actors.Audio;
using Seva.Actors.Hosting;
using Seva.Actors.Speech;
using Seva.Actors.Telemetry;
using Seva.Actors.Translation;

namespace Seva.Actors.Broadcast;

/// <summary>The in-process actor host for broadcasts: one <see cref="BroadcastActor"/> per live broadcast,
/// each behind its own mailbox, found by its readable id.</summary>
/// <remarks>Broadcasts share the speech engine with dictation, so they ask the same circuit breaker before
/// opening a stream and report their engine failures to it.</remarks>
public sealed class BroadcastSessions(ISpeechEngine engine, ITranslator translator, ISpeechSynthesizer voice, IOptions<BroadcastOptions> options, TimeProvider time, ILoggerFactory loggers, EngineCircuitBreaker breaker)
{
    /// <summary>Why a broadcast ended when the actor host running it went away and it could not go on.</summary>
    public const string HostShutdown = "hostShutdown";

    private readonly ConcurrentDictionary<string, LiveBroadcast> _live = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggers.CreateLogger<BroadcastSessions>();

    public int Count => _live.Count;

    public IReadOnlyList<string> SourceLanguages { get; } = ["en"];

    /// <summary>Starts a broadcast under a fresh id (tests; callers use <see cref="Contracts.BroadcastLauncher"/>).</summary>
    public async Task<LiveBroadcast> CreateAsync(string speakerConnectionId, IBroadcastClient speaker, string sourceLanguage, string qualityTier, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await StartAsync(BroadcastIds.Next(_live.ContainsKey, Random.Shared), speakerConnectionId, speaker, sourceLanguage, qualityTier, cancellationToken);
            }
            catch (BroadcastException ex) when (ex.Error.ErrorCode == Contracts.BroadcastLauncher.IdTaken)
            {
                // taken between the check and now
            }
        }
    }

    /// <summary>Starts broadcast <paramref name="id"/> for its speaker. Throws <see cref="BroadcastException"/>:
    /// ID_TAKEN when that id is live here, a bad language, or an engine that cannot start it.</summary>
    public Task<LiveBroadcast> StartAsync(string id, string speakerConnectionId, IBroadcastClient speaker, string sourceLanguage, string qualityTier, CancellationToken cancellationToken) =>
        LaunchAsync(id, sourceLanguage, qualityTier, epoch: 0, actor => actor.StartAsync(speakerConnectionId, speaker, cancellationToken), "started");

    /// <summary>Goes on here with broadcast <paramref name="id"/>, which ran on another actor host, from what
    /// that host saved (<see cref="BroadcastActor.ContinueAsync"/>). Its clients number their events in
    /// <paramref name="epoch"/>, above the last host's. Throws as <see cref="StartAsync"/> does, after telling
    /// everyone it carried that it ended. One whose time ran out meanwhile ends at once, its listeners told:
    /// the returned broadcast is then no longer live.</summary>
    public async Task<LiveBroadcast> ContinueAsync(string id, BroadcastCarryOver carried, int epoch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(carried);
        LiveBroadcast live;
        try
        {
            live = await LaunchAsync(id, carried.SourceLanguage, carried.QualityTier, epoch, actor => actor.ContinueAsync(carried, cancellationToken), "went on here");
        }
        catch (BroadcastException)
        {
            // Its listeners still have their connections: told, they stop waiting for a broadcast that is gone.
            foreach (var client in carried.Listeners.Select(l => l.Client).Prepend(carried.Speaker))
            {
                client.OnEnded(HostShutdown);
            }

            throw;
        }

        await live.TickAsync();
        return live;
    }

    /// <summary>Creates the broadcast's actor and mailbox, takes the id, and runs <paramref name="begin"/> as
    /// its first turn, through the engine's circuit breaker; the id is given back if it fails.</summary>
    private async Task<LiveBroadcast> LaunchAsync(string id, string sourceLanguage, string qualityTier, int epoch, Func<BroadcastActor, Task> begin, string launched)
    {
        if (!SourceLanguages.Contains(sourceLanguage, StringComparer.Ordinal))
        {
            throw new BroadcastException(new BroadcastError(400, "UNSUPPORTED_LANGUAGE", $"sourceLanguage '{sourceLanguage}' cannot be transcribed: use one of {string.Join(", ", SourceLanguages)}."));
        }

        using var scope = SessionLogScope.Begin(_logger, id); // the broadcast's mailbox loop inherits it
        var mailbox = new ActorMailbox(_logger);
        var actor = new BroadcastActor(id, sourceLanguage, qualityTier, engine, translator, options.Value, time, loggers.CreateLogger<BroadcastActor>(), work => mailbox.Post(work), voice, breaker);
        var live = new LiveBroadcast(actor, mailbox, this, epoch);
        if (!_live.TryAdd(id, live))
        {
            await mailbox.DisposeAsync();
            throw new BroadcastException(new BroadcastError(409, Contracts.BroadcastLauncher.IdTaken, $"Broadcast id {id} is taken."));
        }

        try
        {
            await breaker.OpenAsync(() => mailbox.CallAsync(() => begin(actor)));
            _logger.LogInformation("Broadcast {SessionId} {Launched}", id, launched);
            SevaTelemetry.ActiveBroadcasts.Add(1);
            return live;
        }
        catch (Exception ex)
        {
            _live.TryRemove(id, out _);
            await mailbox.DisposeAsync();
            if (ex is EngineBreakerOpenException open)
            {
                throw new BroadcastException(new BroadcastError(503, "TRANSCRIBE_SERVICE_ERROR", $"The speech engine failed repeatedly: new broadcasts are refused for a while. Try again in {open.RetryAfterSeconds} s."));
            }

            if (ex is SpeechEngineException)
            {
                throw new BroadcastException(new BroadcastError(503, "TRANSCRIBE_SERVICE_ERROR", "The speech engine could not start this broadcast. Please try again."));
            }

            throw;
        }
    }

    public LiveBroadcast? Find(string sessionId) => _live.GetValueOrDefault(sessionId);

    /// <summary>Gives every broadcast a chance to send its periodic status, and ends expired ones (the
    /// in-process timer; a Dapr host's actor timer makes the same call, <see cref="LiveBroadcast.TickAsync"/>).</summary>
    public void Tick()
    {
        foreach (var live in _live.Values)
        {
            _ = live.TickAsync();
        }
    }

    /// <param name="why">For the log: "ended", or "left this host" for one that goes on elsewhere.</param>
    internal void Remove(LiveBroadcast live, string why)
    {
        if (_live.TryRemove(live.SessionId, out _))
        {
            live.Mailbox.Close();
            SevaTelemetry.ActiveBroadcasts.Add(-1);
            _logger.LogInformation("Broadcast {SessionId} {Why}", live.SessionId, why);
        }
    }
}

/// <summary>A live broadcast as its connections see it: every call is a turn of its actor.</summary>
public sealed class LiveBroadcast
{
    private readonly BroadcastSessions _owner;

    internal LiveBroadcast(BroadcastActor actor, ActorMailbox mailbox, BroadcastSessions owner, int epoch)
    {
        Actor = actor;
        Mailbox = mailbox;
        _owner = owner;
        Epoch = epoch;
    }

    public string SessionId => Actor.SessionId;

    /// <summary>The epoch its connections' events are numbered in (<see cref="Fanout.EventSequence"/>): 0
    /// where it started, one more each time it went on on another actor host. A listener joining here
    /// gets a client in this epoch, so a connection that was a listener before the move is not taken
    /// for a sender of duplicates.</summary>
    public int Epoch { get; }

    public BroadcastActor Actor { get; }

    internal ActorMailbox Mailbox { get; }

    public Task<T> CallAsync<T>(Func<BroadcastActor, T> call) => Call(() => Task.FromResult(call(Actor)));

    public Task<T> CallAsync<T>(Func<BroadcastActor, Task<T>> call) => Call(() => call(Actor));

    public Task CallAsync(Func<BroadcastActor, Task> call) => Call(async () =>
    {
        await call(Actor);
        return true;
    });

    /// <summary>Speaker audio as it arrives (16-bit LE PCM, 16 kHz); the samples are copied into the
    /// speech stream within the turn, so a pooled buffer serves for the conversion.</summary>
    public async Task AcceptAudioAsync(ReadOnlyMemory<byte> pcm, long arrivalTimestamp)
    {
        var count = pcm.Length / 2;
        var samples = ArrayPool<short>.Shared.Rent(count);
        try
        {
            Pcm.ReadLittleEndian(pcm.Span, samples.AsSpan(0, count));
            await CallAsync(a => a.AcceptAudioAsync(samples.AsMemory(0, count), arrivalTimestamp));
        }
        finally
        {
            ArrayPool<short>.Shared.Return(samples);
        }
    }

    /// <summary>The broadcast's timer: ends it once expired, else sends the speaker a status if one is due.</summary>
    public async Task TickAsync()
    {
        try
        {
            if (Actor.IsExpired)
            {
                await EndAsync("expired");
                return;
            }

            await CallAsync(a =>
            {
                a.CheckStatus();
                return Task.CompletedTask;
            });
        }
        catch (BroadcastException)
        {
            // it ended meanwhile
        }
    }

    public async Task EndAsync(string reason)
    {
        await CallAsync(a => a.EndAsync(reason, CancellationToken.None));
        _owner.Remove(this, "ended");
    }

    /// <summary>Gives the broadcast up on this host without ending it (<see cref="BroadcastActor.SuspendAsync"/>).</summary>
    public async Task SuspendAsync()
    {
        await CallAsync(a => a.SuspendAsync(CancellationToken.None));
        _owner.Remove(this, "left this host; it goes on where its actor is placed next");
    }

    private async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await Mailbox.CallAsync(call);
        }
        catch (ObjectDisposedException)
        {
            throw new BroadcastException(new BroadcastError(404, "SESSION_NOT_FOUND", "The broadcast has ended."));
        }
    }
}
