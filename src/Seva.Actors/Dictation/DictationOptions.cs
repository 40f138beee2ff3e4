using System.ComponentModel.DataAnnotations;

namespace Seva.Actors.Dictation;

public sealed class DictationOptions
{
    public const string SectionName = "Seva:Dictation";

    [Range(1, 10_000)]
    public int MaxConcurrentSessions { get; set; } = 100;

    /// <summary>A session that gets no audio for this long is finalised with SESSION_TIMEOUT.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest recording; audio beyond it is refused with BUFFER_OVERFLOW and the recording kept.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxRecording { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a WebSocket session whose connection dropped stays open (decoder, record, MP3)
    /// for a client to resume it with the same session_id; then it is finalised as FAILED. Zero: no resume.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ResumeWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A socket that sends no session_start this long after connecting gets
    /// SESSION_START_TIMEOUT and is closed (1008), so idle sockets do not pile up.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan SessionStartTimeout { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>New sessions are refused (SESSION_LIMIT_EXCEEDED) while audio waits longer than this
    /// to be decoded: the machine is at capacity, and one more stream would make every session lag.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan OverloadQueueDelay { get; set; } = TimeSpan.FromMilliseconds(750);

    /// <summary>The speech engine failure that ends a session FAILED (text and audio kept); before it, a
    /// session whose stream fails goes on with a fresh stream. 1: the first failure ends it.</summary>
    [Range(1, 100)]
    public int MaxEngineFailures { get; set; } = 3;

    /// <summary>How much of the session's latest audio is decoded again by the fresh stream after a
    /// failure: the utterance the failed stream was in the middle of.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan EngineReplay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>What a client refused for capacity is told to wait, in seconds.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 30;
}
