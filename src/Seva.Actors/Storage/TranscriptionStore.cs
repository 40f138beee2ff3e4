using System.Data.Common;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Seva.Actors.Storage;

/// <summary>Reads and writes transcription records; each call uses its own short-lived context.</summary>
/// <remarks>Writes go through one queue, one at a time: SQLite takes one writer anyway, so concurrent
/// sessions would only wait on its lock (or fail with "database is locked") and each hold a connection
/// with its own page cache. Reads run directly.</remarks>
public sealed class TranscriptionStore(IDbContextFactory<SevaDbContext> contexts, RecordLease lease, TimeProvider time, ILogger<TranscriptionStore> logger) : IDisposable
{
    private readonly Channel<Func<Task>> _writes = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ResiliencePipeline _untilSaved = UntilSaved(time, logger);
    private Task? _writer;

    public Task CreateAsync(TranscriptionRecord record, CancellationToken cancellationToken) =>
        WriteAsync(() => CreateNowAsync(record, cancellationToken));

    /// <summary>Saves the transcript so far (the whole text, so a failed earlier write heals itself).</summary>
    public Task SaveProgressAsync(Guid id, TranscriptProgress progress, CancellationToken cancellationToken) =>
        WriteAsync(() => SaveProgressNowAsync(id, progress, cancellationToken));

    /// <summary>Moves an IN_PROGRESS record to COMPLETED or FAILED with its final text and audio. A database
    /// fault (locked, read-only, full, missing) is retried with backoff until the write succeeds or the
    /// store stops: the task completes when the record is saved, however long the database is away.</summary>
    public async Task FinishAsync(Guid id, string status, TranscriptionOutcome outcome, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);

        // Each attempt takes its own place in the write queue, and the backoff waits outside it, so other
        // sessions' writes are not held up behind a record that cannot be saved yet.
        await _untilSaved.ExecuteAsync(
            async token => await WriteAsync(() => FinishNowAsync(id, status, outcome, token)),
            linked.Token);
    }

    /// <summary>Retries database faults with exponential backoff (200 ms up to 10 s, jittered), without a
    /// limit: the caller decides how long to wait, the write goes on until it succeeds or the store stops.</summary>
    private static ResiliencePipeline UntilSaved(TimeProvider time, ILogger logger) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<DbException>().Handle<DbUpdateException>().Handle<IOException>(),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(10),
                MaxRetryAttempts = int.MaxValue,
                OnRetry = args =>
                {
                    logger.LogWarning(args.Outcome.Exception, "Saving a finished transcription failed (attempt {Attempt}); retrying in {Delay}", args.AttemptNumber + 1, args.RetryDelay);
                    return default;
                },
            })
            .Build();

    /// <summary>Stops retrying saves still waiting for the database (at shutdown); their records stay
    /// IN_PROGRESS with the text last saved, and the next start marks them FAILED.</summary>
    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    public RecordLease Lease => lease;

    /// <summary>This host takes over an IN_PROGRESS record whose session goes on here after it ran on
    /// another host. Only a record no host holds any more can be taken: released by a host it moved off
    /// (<see cref="ReleaseAsync"/>), held by a host whose lease ran out (it crashed), or already this
    /// host's. A record another host still holds is <see cref="RecordClaim.HeldElsewhere"/>: that host may
    /// still be writing it (moving it off, or running it), so two hosts never write one record.</summary>
    public async Task<RecordClaim> ClaimAsync(Guid id, CancellationToken cancellationToken)
    {
        RecordClaim claim = RecordClaim.Closed;
        await WriteAsync(async () =>
        {
            var now = time.GetUtcNow().UtcDateTime;
            var me = lease.HostId;
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var before = await db.Transcriptions.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, cancellationToken);
            if (before is null || before.Status != TranscriptionStatus.InProgress)
            {
                claim = RecordClaim.Closed;
                return;
            }

            var free = before.HostId == RecordLease.Released || before.HostId == me || before.LeaseExpiresAt is null || before.LeaseExpiresAt < now;
            if (!free)
            {
                claim = RecordClaim.HeldElsewhere(before.LeaseExpiresAt!.Value - now);
                return;
            }

            // Conditional on what was read, so a host that claimed or finished it meanwhile wins.
            var updated = await db.Transcriptions
                .Where(t => t.Id == id && t.Status == TranscriptionStatus.InProgress && t.HostId == before.HostId && t.LeaseExpiresAt == before.LeaseExpiresAt)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.HostId, me).SetProperty(t => t.LeaseExpiresAt, now + lease.Duration), cancellationToken);
            claim = updated == 1
                ? RecordClaim.Claimed(before, released: before.HostId == RecordLease.Released)
                : RecordClaim.HeldElsewhere(TimeSpan.Zero);
        });
        return claim;
    }

    /// <summary>The session moves to another host: its progress is saved and the record left IN_PROGRESS
    /// under no host. The host it goes on on claims it (<see cref="ClaimAsync"/>); if none does within the
    /// lease (the client never came back), any host marks it FAILED, keeping its text. A database fault is
    /// retried until the write succeeds or the store stops (as <see cref="FinishAsync"/>): until then this
    /// host still holds the record, and renews it.</summary>
    public async Task ReleaseAsync(Guid id, TranscriptProgress progress, string? audioKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        await _untilSaved.ExecuteAsync(
            async token => await WriteAsync(async () =>
            {
                var now = time.GetUtcNow().UtcDateTime;
                await using var db = await contexts.CreateDbContextAsync(token);
                await db.Transcriptions
                    .Where(t => t.Id == id && t.Status == TranscriptionStatus.InProgress && t.HostId == lease.HostId)
                    .ExecuteUpdateAsync(
                        s => s.SetProperty(t => t.TranscriptText, progress.Transcript)
                            .SetProperty(t => t.WordCount, progress.WordCount)
                            .SetProperty(t => t.AudioDurationSeconds, progress.DurationSeconds)
                            .SetProperty(t => t.Words, progress.Words)
                            .SetProperty(t => t.AudioKey, audioKey)
                            .SetProperty(t => t.PartialTranscript, (string?)null)
                            .SetProperty(t => t.HostId, RecordLease.Released)
                            .SetProperty(t => t.LeaseExpiresAt, now + lease.Duration)
                            .SetProperty(t => t.UpdatedAt, now),
                        token);
            }),
            linked.Token);
    }

    /// <summary>The recording goes on in another object (the one it started in could not be continued).</summary>
    public Task SaveAudioKeyAsync(Guid id, string? audioKey, CancellationToken cancellationToken) =>
        WriteAsync(async () =>
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            await db.Transcriptions
                .Where(t => t.Id == id && t.Status == TranscriptionStatus.InProgress)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.AudioKey, audioKey), cancellationToken);
        });

    /// <summary>At start-up, before this host runs a session: records left IN_PROGRESS by this host's
    /// earlier run (it crashed), by a host whose lease ran out, or by a version without leases can never
    /// finish: mark them FAILED, keeping their text.</summary>
    public async Task<int> FailAbandonedAsync(CancellationToken cancellationToken)
    {
        var failed = 0;
        await WriteAsync(async () => failed = await FailAbandonedNowAsync(startingUp: true, cancellationToken));
        return failed;
    }

    /// <summary>While running: renews this host's claim on its open records, then fails the open records
    /// of other hosts whose claim ran out. Returns how many were failed.</summary>
    public async Task<int> RenewLeasesAsync(CancellationToken cancellationToken)
    {
        var failed = 0;
        await WriteAsync(async () =>
        {
            var until = time.GetUtcNow().UtcDateTime + lease.Duration;
            await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            {
                await db.Transcriptions
                    .Where(t => t.HostId == lease.HostId && t.Status == TranscriptionStatus.InProgress)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.LeaseExpiresAt, until), cancellationToken);
            }

            failed = await FailAbandonedNowAsync(startingUp: false, cancellationToken);
        });
        return failed;
    }

    private Task WriteAsync(Func<Task> write)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _writes.Writer.TryWrite(async () =>
        {
            try
            {
                await write();
                done.TrySetResult();
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        });
        lock (_gate)
        {
            _writer ??= Task.Run(WriteLoopAsync);
        }

        return done.Task;
    }

    private async Task WriteLoopAsync()
    {
        await foreach (var write in _writes.Reader.ReadAllAsync())
        {
            await write();
        }
    }

    private async Task CreateNowAsync(TranscriptionRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var now = time.GetUtcNow().UtcDateTime;
        record.CreatedAt = now;
        record.UpdatedAt = now;
        record.Status = TranscriptionStatus.InProgress;
        record.HostId = lease.HostId;
        record.LeaseExpiresAt = now + lease.Duration;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Transcriptions.Add(record);
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task SaveProgressNowAsync(Guid id, TranscriptProgress progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Transcriptions
            .Where(t => t.Id == id && t.Status == TranscriptionStatus.InProgress)
            .ExecuteUpdateAsync(
                s => s.SetProperty(t => t.TranscriptText, progress.Transcript)
                    .SetProperty(t => t.WordCount, progress.WordCount)
                    .SetProperty(t => t.AudioDurationSeconds, progress.DurationSeconds)
                    .SetProperty(t => t.Words, progress.Words)
                    .SetProperty(t => t.PartialTranscript, (string?)null)
                    .SetProperty(t => t.UpdatedAt, now),
                cancellationToken);
    }

    private async Task FinishNowAsync(Guid id, string status, TranscriptionOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (!TranscriptionStatus.CanTransition(TranscriptionStatus.InProgress, status))
        {
            throw new ArgumentException($"'{status}' is not a finished status.", nameof(status));
        }

        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var updated = await db.Transcriptions
            .Where(t => t.Id == id && t.Status == TranscriptionStatus.InProgress)
            .ExecuteUpdateAsync(
                s => s.SetProperty(t => t.Status, status)
                    .SetProperty(t => t.TranscriptText, outcome.Transcript)
                    .SetProperty(t => t.PartialTranscript, outcome.PartialTranscript)
                    .SetProperty(t => t.Words, outcome.Words)
                    .SetProperty(t => t.WordCount, outcome.WordCount)
                    .SetProperty(t => t.AudioDurationSeconds, outcome.DurationSeconds)
                    .SetProperty(t => t.AudioKey, outcome.AudioKey)
                    .SetProperty(t => t.ErrorCode, outcome.ErrorCode)
                    .SetProperty(t => t.UpdatedAt, now),
                cancellationToken);
        if (updated == 0)
        {
            throw new InvalidOperationException($"Transcription {id} is not in progress.");
        }
    }

    private async Task<int> FailAbandonedNowAsync(bool startingUp, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var me = lease.HostId;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);

        // A running host never fails its own records: if its renewals failed (the database was away),
        // its sessions still finish them.
        return await db.Transcriptions
            .Where(t => t.Status == TranscriptionStatus.InProgress)
            .Where(t => t.HostId == null || t.LeaseExpiresAt == null || t.LeaseExpiresAt < now || (startingUp && t.HostId == me))
            .Where(t => startingUp || t.HostId != me)
            .ExecuteUpdateAsync(
                s => s.SetProperty(t => t.Status, TranscriptionStatus.Failed)
                    .SetProperty(t => t.ErrorCode, "SERVER_RESTARTED")
                    .SetProperty(t => t.UpdatedAt, now),
                cancellationToken);
    }

    /// <summary>Dictations open on any host sharing this database (live, uploading, or moving between hosts).</summary>
    public async Task<int> CountInProgressAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Transcriptions.CountAsync(t => t.Status == TranscriptionStatus.InProgress, cancellationToken);
    }

    public async Task<TranscriptionRecord?> FindAsync(string userId, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Transcriptions.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id && t.UserId == userId, cancellationToken);
    }

    /// <summary>Deletes one of the user's records; returns it (for its audio key), or null if there is none.</summary>
    public async Task<TranscriptionRecord?> DeleteAsync(string userId, Guid id, CancellationToken cancellationToken)
    {
        TranscriptionRecord? deleted = null;
        await WriteAsync(async () =>
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            deleted = await db.Transcriptions.SingleOrDefaultAsync(t => t.Id == id && t.UserId == userId, cancellationToken);
            if (deleted is not null)
            {
                db.Transcriptions.Remove(deleted);
                await db.SaveChangesAsync(cancellationToken);
            }
        });
        return deleted;
    }

    /// <summary>The user's records, newest first; <paramref name="search"/> matches the transcript or specialty.</summary>
    public async Task<(IReadOnlyList<TranscriptionRecord> Items, int Total)> ListAsync(string userId, int page, int pageSize, CancellationToken cancellationToken, string? search = null)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Transcriptions.AsNoTracking().Where(t => t.UserId == userId);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = "%" + search.Trim().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
            // Case-insensitive on both providers: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
            query = db.Database.IsNpgsql()
                ? query.Where(t => EF.Functions.ILike(t.TranscriptText, pattern, "\\") || (t.Specialty != null && EF.Functions.ILike(t.Specialty, pattern, "\\")))
                : query.Where(t => EF.Functions.Like(t.TranscriptText, pattern, "\\") || (t.Specialty != null && EF.Functions.Like(t.Specialty, pattern, "\\")));
        }

        var total = await query.CountAsync(cancellationToken);
        var items = await query
            .OrderByDescending(t => t.CreatedAt)
            .ThenByDescending(t => t.Id)
            .Skip((page - 1) * pageSize)
            .Take(pageSize)
            .ToListAsync(cancellationToken);
        return (items, total);
    }
}

/// <summary>What a finished session leaves in its record; <paramref name="Words"/> as <see cref="TranscriptionRecord.Words"/>.</summary>
public sealed record TranscriptionOutcome(
    string Transcript,
    string? PartialTranscript,
    int WordCount,
    double DurationSeconds,
    string? AudioKey,
    string? ErrorCode,
    string? Words = null);

/// <summary>A running session's transcript so far; <paramref name="Words"/> as <see cref="TranscriptionRecord.Words"/>.</summary>
/// <summary>What <see cref="TranscriptionStore.ClaimAsync"/> found: the record claimed (as it was saved,
/// and whether a host released it as its session moved off, rather than losing it in a crash), a record
/// another host still holds (for about <see cref="RetryAfter"/>), or one that is closed.</summary>
public sealed record RecordClaim(TranscriptionRecord? Record, bool WasReleased, TimeSpan? RetryAfter)
{
    public static RecordClaim Closed { get; } = new(null, false, null);

    public static RecordClaim Claimed(TranscriptionRecord record, bool released) => new(record, released, null);

    public static RecordClaim HeldElsewhere(TimeSpan retryAfter) => new(null, false, retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter);
}

public sealed record TranscriptProgress(string Transcript, int WordCount, double DurationSeconds, string? Words = null);
