using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Seva.Actors.Audio;

namespace Seva.Actors.Broadcast;

/// <summary>The limits of a broadcast and of each connection to it.</summary>
public sealed class BroadcastOptions
{
    public const string SectionName = "Seva:Broadcast";

    /// <summary>Speaker audio chunks a connection may send each second; the excess is dropped.</summary>
    [Range(1, 1000)]
    public int AudioChunksPerSecond { get; set; } = 50;

    /// <summary>Control messages (pause, mute, volume, language...) a connection may send each second.</summary>
    [Range(1, 1000)]
    public int ControlMessagesPerSecond { get; set; } = 10;

    /// <summary>getSessionStatus queries a speaker may send each second.</summary>
    [Range(1, 1000)]
    public int StatusQueriesPerSecond { get; set; } = 2;

    /// <summary>Largest audio frame, type byte included (32 KiB is about 1 s at 16 kHz); larger ones get AUDIO_TOO_LARGE.</summary>
    [Range(1024, AudioFrame.MaxFrameBytes)]
    public int MaxAudioChunkBytes { get; set; } = 32 * 1024;

    /// <summary>Largest JSON message; larger ones get MESSAGE_TOO_LARGE.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxTextMessageBytes { get; set; } = 16 * 1024;

    /// <summary>A speaker over the audio rate for this long without a break is warned (AUDIO_RATE_LIMIT)...</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AudioRateWarningAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>...and after this long, disconnected.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AudioRateCloseAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Bytes a connection may have waiting to be sent (1 MiB is about 20 s of spoken audio).
    /// A listener too far behind for an utterance's speech skips it; one that cannot take a caption
    /// either (it stopped reading) is disconnected, so it never slows the others.</summary>
    [Range(64 * 1024, 256 * 1024 * 1024)]
    public int ClientQueueBytes { get; set; } = 1024 * 1024;

    /// <summary>How far back the captions a late listener gets on joining go.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RecentCaptionsWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest a broadcast runs; then it ends with reason "expired".</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How often the speaker gets a status when nothing else prompted one.</summary>
    /// <summary>A speaker socket that sends no createSession this long after connecting gets
    /// CREATE_SESSION_TIMEOUT and is closed (1008).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan CreateSessionTimeout { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StatusPeriod { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>The rules between settings, reported all at once.</summary>
public sealed class BroadcastOptionsValidator : IValidateOptions<BroadcastOptions>
{
    public ValidateOptionsResult Validate(string? name, BroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string Section = BroadcastOptions.SectionName;
        if (options.AudioRateCloseAfter <= options.AudioRateWarningAfter)
        {
            failures.Add($"{Section}:AudioRateCloseAfter ({options.AudioRateCloseAfter}) must be longer than {Section}:AudioRateWarningAfter ({options.AudioRateWarningAfter}): the speaker is warned before being disconnected.");
        }

        if (options.ClientQueueBytes < 2 * options.MaxAudioChunkBytes)
        {
            failures.Add($"{Section}:ClientQueueBytes ({options.ClientQueueBytes}) must hold at least two audio chunks (2 x {Section}:MaxAudioChunkBytes = {2 * options.MaxAudioChunkBytes}).");
        }

        if (options.StatusPeriod >= options.MaxDuration)
        {
            failures.Add($"{Section}:StatusPeriod ({options.StatusPeriod}) must be shorter than {Section}:MaxDuration ({options.MaxDuration}).");
        }

        if (options.RecentCaptionsWindow > options.MaxDuration)
        {
            failures.Add($"{Section}:RecentCaptionsWindow ({options.RecentCaptionsWindow}) must not exceed {Section}:MaxDuration ({options.MaxDuration}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
