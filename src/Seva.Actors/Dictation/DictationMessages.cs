using Seva.Actors.Formatting;

namespace Seva.Actors.Dictation;

/// <summary>Capture quality, which fixes the sample rate from capture to record.</summary>
public static class DictationQuality
{
    public const string Low = "low";
    public const string Medium = "medium";
    public const string High = "high";

    public static IReadOnlyList<string> All { get; } = [Low, Medium, High];

    public static bool TryGetSampleRate(string quality, out int sampleRate)
    {
        sampleRate = quality switch
        {
            Low => 8000,
            Medium => 16000,
            High => 48000,
            _ => 0,
        };
        return sampleRate != 0;
    }
}

/// <summary>What a client asks for when it starts dictating. <paramref name="IsStreaming"/> is false
/// for an uploaded file transcribed by the same session logic.</summary>
public sealed record DictationStart(
    string UserId,
    string? SessionId,
    string Quality,
    string Language,
    string? Specialty,
    IReadOnlyList<string> Vocabulary,
    bool IsStreaming = true,
    FormattingOptions? Formatting = null);

/// <summary>A session started, or resumed (<paramref name="Resumed"/>) by a new connection after the
/// last one dropped; <paramref name="ReceivedBytes"/> is the PCM the session already has.</summary>
public sealed record DictationStarted(string SessionId, string JobId, Guid TranscriptionId, int SampleRate, bool Resumed = false, long ReceivedBytes = 0);

/// <summary>A partial or final transcript piece, as followers see it. A final's <paramref name="Text"/> is
/// formatted (unless the session asked for none) and <paramref name="RawText"/> is what was recognised;
/// the transcript grows by <paramref name="Separator"/> + <paramref name="Text"/>. Partials are raw.
/// A final's <paramref name="Words"/> are its recognised words with their times and the tokens they became,
/// as the record keeps them (partials have none: the engine times words only once an utterance ends).</summary>
public sealed record DictationResult(
    string SegmentId,
    bool IsPartial,
    string Text,
    double Confidence,
    double StartTime,
    double EndTime,
    string? RawText = null,
    string Separator = " ",
    IReadOnlyList<TimedWord>? Words = null);

public sealed record DictationCompleted(
    string SessionId,
    Guid TranscriptionId,
    string? AudioKey,
    double TotalDuration,
    int WordCount,
    string Status,
    string? ErrorCode);

/// <summary>Whoever follows a session (a WebSocket, a Blazor circuit). Called inside the session's turn:
/// implementations must hand the event off and return at once.</summary>
public interface IDictationFollower
{
    void OnResult(DictationResult result);

    /// <summary>"Scratch that": these earlier finals (by segment id) are no longer part of the transcript.</summary>
    void OnRetracted(IReadOnlyList<string> segmentIds);

    void OnError(DictationError error);

    void OnCompleted(DictationCompleted completed);
}
