using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Seva.Actors.Dictation;
using Seva.Actors.Fanout;
using Seva.Actors.Hosting.InProcess;
using Seva.Actors.Speech;
using Seva.Actors.Storage;
using Seva.Actors.Storage.Files;

namespace Seva.Actors.Tests.Support;

/// <summary>Dictation sessions over a real SQLite file and audio directory, with the engine given.</summary>
public sealed class ActorHarness : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "seva-actor-" + Guid.NewGuid().ToString("N"));

    public ActorHarness(ISpeechEngine engine, DictationOptions? options = null, TimeProvider? time = null, Func<IAudioStore, IAudioStore>? wrapAudio = null, EngineBreakerOptions? breaker = null)
        : this(engine, options, time, wrapAudio, breaker, sharing: null, hostId: "host-a", sharesAudio: false)
    {
    }

    private ActorHarness(ISpeechEngine engine, DictationOptions? options, TimeProvider? time, Func<IAudioStore, IAudioStore>? wrapAudio, EngineBreakerOptions? breaker, ActorHarness? sharing, string hostId, bool sharesAudio)
    {
        Directory.CreateDirectory(_directory);
        Time = time ?? TimeProvider.System;
        var storage = Options.Create(new StorageOptions { DataDirectory = _directory });
        Contexts = sharing?.Contexts ?? new Factory(storage.Value.SqliteConnectionString);
        using (var db = Contexts.CreateDbContext())
        {
            db.Database.Migrate();
        }

        Records = new TranscriptionStore(Contexts, new RecordLease(hostId, TimeSpan.FromMinutes(1)), Time, NullLogger<TranscriptionStore>.Instance);
        FileAudio = sharesAudio && sharing is not null ? sharing.FileAudio : new FileAudioStore(storage);
        Metrics = new SpeechMetrics(Time);
        Breaker = new EngineCircuitBreaker(Options.Create(breaker ?? new EngineBreakerOptions()), Time, NullLogger<EngineCircuitBreaker>.Instance);
        Audio = wrapAudio?.Invoke(FileAudio) ?? FileAudio;
        var dictationOptions = Options.Create(options ?? new DictationOptions());
        Admission = new DictationAdmission(dictationOptions, Metrics, NullLogger<DictationAdmission>.Instance);
        Sessions = new DictationSessions(engine, Breaker, Records, Audio, Admission, dictationOptions, Time, NullLoggerFactory.Instance);
        Followers = sharing?.Followers ?? new DictationFollowers(new RecordLease("host-a", TimeSpan.FromMinutes(1)), NullLogger<DictationFollowers>.Instance);
        Actors = new InProcessDictationActors(Sessions, new InProcessDictationEvents(Followers), Time);
    }

    public TimeProvider Time { get; }

    /// <summary>A second actor host beside this one: its own sessions and engine streams, the same
    /// database and followers (the web host), and the same audio directory when <paramref name="sharesAudio"/>
    /// (as hosts sharing a disk or bucket), else its own. Dispose it before this one, whose directory
    /// holds the database.</summary>
    public ActorHarness SecondHost(ISpeechEngine engine, bool sharesAudio) =>
        new(engine, null, Time, null, null, this, "host-b", sharesAudio);

    public SpeechMetrics Metrics { get; }

    public EngineCircuitBreaker Breaker { get; }

    public IDbContextFactory<SevaDbContext> Contexts { get; }

    public TranscriptionStore Records { get; }

    public FileAudioStore FileAudio { get; }

    /// <summary>The store the sessions write to: <see cref="FileAudio"/> unless the constructor was given another.</summary>
    public IAudioStore Audio { get; }

    public DictationSessions Sessions { get; }

    public DictationAdmission Admission { get; }

    /// <summary>This process's followers, where the in-process fan-out delivers.</summary>
    public DictationFollowers Followers { get; }

    /// <summary>The dictation contract over <see cref="Sessions"/>, as callers use it.</summary>
    public InProcessDictationActors Actors { get; }

    /// <summary>Starts a session (not resumable) whose events reach <paramref name="follower"/> through the fan-out.</summary>
    public async Task<(DictationSession Session, DictationStarted Started)> StartAsync(DictationStart start, IDictationFollower follower, CancellationToken cancellationToken)
    {
        var registration = Followers.Register(follower);
        registration.Open();
        var sessionId = start.SessionId ?? Guid.NewGuid().ToString();
        try
        {
            return await Sessions.StartAsync(sessionId, start with { SessionId = sessionId }, new AddressedFollower(sessionId, registration.Address, new InProcessDictationEvents(Followers)), resumable: false, cancellationToken);
        }
        catch
        {
            registration.Dispose();
            throw;
        }
    }

    public static DictationStart Start(string quality = "medium", params string[] vocabulary) =>
        new("user-1", null, quality, "en-US", "PRIMARYCARE", vocabulary);

    public async Task<TranscriptionRecord> RecordAsync(Guid id) =>
        (await Records.FindAsync("user-1", id, CancellationToken.None))!;

    public async Task<byte[]> AudioAsync(string key)
    {
        await using var stream = (await Audio.OpenReadAsync(key, CancellationToken.None))!;
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    public void Sql(string sql)
    {
        using var db = Contexts.CreateDbContext();
        db.Database.ExecuteSqlRaw(sql);
    }

    public async ValueTask DisposeAsync()
    {
        await Sessions.DisposeAsync();
        Records.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    public static byte[] Pcm(short[] samples)
    {
        var bytes = new byte[samples.Length * 2];
        Seva.Actors.Audio.Pcm.WriteLittleEndian(samples, bytes);
        return bytes;
    }

    /// <summary>Sends audio in 250 ms chunks (as fast as the session takes it).</summary>
    public static async Task SendAsync(DictationSession session, short[] samples, int rate)
    {
        foreach (var chunk in samples.Chunk(rate / 4))
        {
            await session.AcceptAudioAsync(Pcm(chunk), CancellationToken.None);
        }
    }

    private sealed class Factory(string connectionString) : IDbContextFactory<SevaDbContext>
    {
        public SevaDbContext CreateDbContext() =>
            new(new DbContextOptionsBuilder<SevaDbContext>().UseSqlite(connectionString).Options);
    }
}

/// <summary>Records what a session tells its followers.</summary>
public sealed class RecordingFollower : IDictationFollower
{
    private readonly Lock _gate = new();
    private readonly List<object> _events = [];

    public IReadOnlyList<object> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    public IReadOnlyList<DictationError> Errors => [.. Events.OfType<DictationError>()];

    public IReadOnlyList<DictationResult> Finals => [.. Events.OfType<DictationResult>().Where(r => !r.IsPartial)];

    public void OnResult(DictationResult result) => Add(result);

    public void OnRetracted(IReadOnlyList<string> segmentIds) => Add(new Retraction(segmentIds));

    public void OnError(DictationError error) => Add(error);

    public void OnCompleted(DictationCompleted completed) => Add(completed);

    private void Add(object e)
    {
        lock (_gate)
        {
            _events.Add(e);
        }
    }
}

/// <summary>A follower was told these finals were scratched.</summary>
public sealed record Retraction(IReadOnlyList<string> SegmentIds);
