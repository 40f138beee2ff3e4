namespace Seva.Actors.Broadcast;

/// <summary>What listeners hear: whether the broadcast runs, is paused or muted, and at what volume.</summary>
public sealed record BroadcastState(bool IsActive, bool IsPaused, bool IsMuted, double Volume, DateTimeOffset LastStateChange)
{
    public static BroadcastState Started(DateTimeOffset now) => new(true, false, false, 1.0, now);

    /// <summary>Whether speech is transcribed and sent: not while paused or muted.</summary>
    public bool IsLive => IsActive && !IsPaused && !IsMuted;
}

/// <summary>Several fields at once (<c>speakerStateChange</c>); null means unchanged.</summary>
public sealed record BroadcastStateChange(bool? IsPaused = null, bool? IsMuted = null, double? Volume = null);

public enum BroadcastRole
{
    Speaker,
    Listener,
}

/// <summary>An action refused: HTTP-like <paramref name="Code"/> (400, 403, 404, 413, 429, 500, 503),
/// a stable <paramref name="ErrorCode"/> and a message for people.</summary>
public sealed record BroadcastError(int Code, string ErrorCode, string Message);

public sealed class BroadcastException(BroadcastError error) : Exception(error?.Message)
{
    public BroadcastError Error { get; } = error ?? throw new ArgumentNullException(nameof(error));
}

/// <summary>The speaker's controls over <see cref="BroadcastState"/>, with their rules.</summary>
public static class BroadcastControls
{
    public const string PauseBroadcast = "pauseBroadcast";
    public const string ResumeBroadcast = "resumeBroadcast";
    public const string MuteBroadcast = "muteBroadcast";
    public const string UnmuteBroadcast = "unmuteBroadcast";
    public const string SetVolume = "setVolume";
    public const string SpeakerStateChange = "speakerStateChange";

    public static IReadOnlyList<string> All { get; } = [PauseBroadcast, ResumeBroadcast, MuteBroadcast, UnmuteBroadcast, SetVolume, SpeakerStateChange];

    /// <summary>Applies a control; only the speaker may, and only to a broadcast still active. Throws
    /// <see cref="BroadcastException"/> (403 not the speaker, 400 bad volume, 404 ended).</summary>
    public static BroadcastState Apply(BroadcastState state, BroadcastRole role, string action, BroadcastStateChange change, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(change);
        if (role != BroadcastRole.Speaker)
        {
            throw new BroadcastException(new BroadcastError(403, "FORBIDDEN", $"Only the speaker of this broadcast may use {action}."));
        }

        if (!state.IsActive)
        {
            throw new BroadcastException(new BroadcastError(404, "SESSION_NOT_FOUND", "The broadcast has ended."));
        }

        if (change.Volume is { } v && (double.IsNaN(v) || v < 0 || v > 1))
        {
            throw new BroadcastException(new BroadcastError(400, "INVALID_VOLUME", $"volumeLevel {v} is outside 0.0-1.0."));
        }

        var next = action switch
        {
            PauseBroadcast => state with { IsPaused = true },
            ResumeBroadcast => state with { IsPaused = false },
            MuteBroadcast => state with { IsMuted = true },
            UnmuteBroadcast => state with { IsMuted = false },
            SetVolume => state with { Volume = change.Volume ?? throw new BroadcastException(new BroadcastError(400, "INVALID_VOLUME", "volumeLevel is required: a number from 0.0 to 1.0.")) },
            SpeakerStateChange => state with
            {
                IsPaused = change.IsPaused ?? state.IsPaused,
                IsMuted = change.IsMuted ?? state.IsMuted,
                Volume = change.Volume ?? state.Volume,
            },
            _ => throw new BroadcastException(new BroadcastError(400, "UNKNOWN_ACTION", $"'{action}' is not a control: use {string.Join(", ", All)}.")),
        };
        return next == state ? state : next with { LastStateChange = now };
    }
}
