using Microsoft.EntityFrameworkCore;

namespace Seva.Actors.Storage;

/// <summary>Reads and writes transcription records; each call uses its own short-lived context.</summary>
public sealed class TranscriptionStore(IDbContextFactory<SevaDbContext> contexts, TimeProvider time)
{
    public async Task CreateAsync(TranscriptionRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var now = time.GetUtcNow().UtcDateTime;
        record.CreatedAt = now;
        record.UpdatedAt = now;
        record.Status = TranscriptionStatus.InProgress;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Transcriptions.Add(record);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Saves the transcript so far (the whole text, so a failed earlier write heals itself).</summary>
    public async Task SaveProgressAsync(Guid id, string transcript, int wordCount, double durationSeconds, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Transcriptions
            .Where(t => t.Id == id && t.Status == TranscriptionStatus.InProgress)
            .ExecuteUpdateAsync(
                s => s.SetProperty(t => t.TranscriptText, transcript)
                    .SetProperty(t => t.WordCount, wordCount)
                    .SetProperty(t => t.AudioDurationSeconds, durationSeconds)
                    .SetProperty(t => t.PartialTranscript, (string?)null)
                    .SetProperty(t => t.UpdatedAt, now),
                cancellationToken);
    }

    /// <summary>Moves an IN_PROGRESS record to COMPLETED or FAILED with its final text and audio.</summary>
    public async Task FinishAsync(Guid id, string status, TranscriptionOutcome outcome, CancellationToken cancellationToken)
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

    /// <summary>Records left IN_PROGRESS by a crash can never finish: mark them FAILED, keeping their text.</summary>
    public async Task<int> FailAbandonedAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Transcriptions
            .Where(t => t.Status == TranscriptionStatus.InProgress)
            .ExecuteUpdateAsync(
                s => s.SetProperty(t => t.Status, TranscriptionStatus.Failed)
                    .SetProperty(t => t.ErrorCode, "SERVER_RESTARTED")
                    .SetProperty(t => t.UpdatedAt, now),
                cancellationToken);
    }

    public async Task<TranscriptionRecord?> FindAsync(string userId, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Transcriptions.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id && t.UserId == userId, cancellationToken);
    }

    public async Task<(IReadOnlyList<TranscriptionRecord> Items, int Total)> ListAsync(string userId, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Transcriptions.AsNoTracking().Where(t => t.UserId == userId);
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

/// <summary>What a finished session leaves in its record.</summary>
public sealed record TranscriptionOutcome(
    string Transcript,
    string? PartialTranscript,
    int WordCount,
    double DurationSeconds,
    string? AudioKey,
    string? ErrorCode);
