namespace Seva.Actors.Storage;

/// <summary>One dictation's database record (table <c>transcriptions</c>).</summary>
public sealed class TranscriptionRecord
{
    public Guid Id { get; set; }

    public required string UserId { get; set; }

    public required string SessionId { get; set; }

    public string Status { get; set; } = TranscriptionStatus.InProgress;

    public string TranscriptText { get; set; } = string.Empty;

    public string? PartialTranscript { get; set; }

    /// <summary>Every recognised word still in the transcript with its times, confidence and the formatted
    /// token it became (JSON: <c>[{"word","start","end","confidence","token"}]</c>); null before formatting
    /// kept words.</summary>
    public string? Words { get; set; }

    public string? AudioKey { get; set; }

    public double AudioDurationSeconds { get; set; }

    public int SampleRate { get; set; }

    public required string Quality { get; set; }

    public required string Language { get; set; }

    public string? Specialty { get; set; }

    public bool IsStreaming { get; set; } = true;

    public int WordCount { get; set; }

    public string? ErrorCode { get; set; }

    /// <summary>The host whose session writes this record while it is IN_PROGRESS.</summary>
    public string? HostId { get; set; }

    /// <summary>Until when the host's claim holds; the host renews it while the session runs. Past it, the
    /// record is abandoned (its host crashed) and any host marks it FAILED.</summary>
    public DateTime? LeaseExpiresAt { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}

/// <summary>Record statuses and the only transitions allowed between them.</summary>
public static class TranscriptionStatus
{
    public const string InProgress = "IN_PROGRESS";
    public const string Completed = "COMPLETED";
    public const string Failed = "FAILED";

    /// <summary>IN_PROGRESS -> COMPLETED | FAILED; finished records never change status again.</summary>
    public static bool CanTransition(string from, string to) =>
        from == InProgress && to is Completed or Failed;
}
