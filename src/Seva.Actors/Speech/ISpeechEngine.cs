namespace Seva.Actors.Speech;

/// <summary>A streaming speech recogniser. Implementations decide how streams share engine resources.</summary>
public interface ISpeechEngine
{
    /// <summary>The sample rate the engine decodes at; callers resample to it.</summary>
    int SampleRate { get; }

    /// <summary>Opens a recognition stream. The sink is called from engine threads, in order, and must
    /// not block. Throws <see cref="VocabularyException"/> for an unusable custom word.</summary>
    Task<ISpeechStream> OpenStreamAsync(SpeechStreamOptions options, ISpeechResultSink sink, CancellationToken cancellationToken);

    /// <summary>What the engine holds now, for monitoring and the benchmark.</summary>
    SpeechEngineStatus GetStatus();
}

/// <summary>Loaded decoders (lent or idle), idle ones, decode threads, whether the model has loaded at
/// least once in this process, and why the last load failed (null if it did not).</summary>
public sealed record SpeechEngineStatus(int DecodersLoaded, int DecodersIdle, int DecodeWorkers, bool ModelLoaded = false, string? ModelError = null);

/// <summary>Receives a stream's results; called on engine threads, one call at a time per stream.</summary>
public interface ISpeechResultSink
{
    void OnResult(RecognitionResult result);

    /// <summary>The engine failed; the stream delivers nothing after this.</summary>
    void OnError(Exception failure);
}

/// <summary>One live recognition: audio in as it arrives, partial and final results out.</summary>
public interface ISpeechStream : IAsyncDisposable
{
    /// <summary>Queues audio at <see cref="ISpeechEngine.SampleRate"/>. Copies the samples and never blocks.
    /// <paramref name="arrivalTimestamp"/> (<see cref="TimeProvider.GetTimestamp"/>) is when the audio
    /// reached the server, for the ingest-delay metric.</summary>
    void Write(ReadOnlySpan<short> samples, long arrivalTimestamp);

    /// <summary>Ends the stream: decodes what is queued, emits the last final, then completes.</summary>
    Task CompleteAsync(CancellationToken cancellationToken);

    /// <summary>Seconds of audio written so far.</summary>
    double SecondsWritten { get; }

    /// <summary>Seconds of audio decoded so far (read from any thread): how far behind
    /// <see cref="SecondsWritten"/> the engine is.</summary>
    double SecondsDecoded { get; }
}

public sealed record SpeechStreamOptions(string Language, IReadOnlyList<VocabularyEntry> Vocabulary)
{
    public static SpeechStreamOptions Default { get; } = new("en-US", []);
}

/// <summary>A session word; <see cref="Pronunciation"/> (space-separated phones) is needed only for
/// words the dictionary does not know.</summary>
public sealed record VocabularyEntry(string Word, string? Pronunciation)
{
    /// <summary>Parses <c>word</c> or <c>word:PH1 PH2 ...</c>.</summary>
    public static VocabularyEntry Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return new VocabularyEntry(text.Trim(), null);
        }

        var phones = text[(colon + 1)..].Trim();
        return new VocabularyEntry(text[..colon].Trim(), phones.Length == 0 ? null : phones);
    }
}

public sealed record RecognizedWord(string Word, double StartTime, double EndTime, double Confidence);

/// <summary>A partial or final hypothesis. Partials of one utterance and its final share a segment id;
/// times are seconds from the start of the stream. <paramref name="Pass"/> says which decoding pass
/// produced it (<see cref="RecognitionPass"/>).</summary>
public sealed record RecognitionResult(
    string SegmentId,
    bool IsPartial,
    string Text,
    double Confidence,
    double StartTime,
    double EndTime,
    IReadOnlyList<RecognizedWord> Words,
    string Pass = RecognitionPass.Live);

/// <summary>The decoding passes a result can come from.</summary>
public static class RecognitionPass
{
    /// <summary>The live pass, as the audio arrives.</summary>
    public const string Live = "live";

    /// <summary>The finished utterance decoded again as a whole.</summary>
    public const string Accurate = "accurate";
}

/// <summary>A custom vocabulary entry the engine cannot use; <see cref="Index"/> is its position.</summary>
public sealed class VocabularyException(int index, string message) : Exception(message)
{
    public int Index { get; } = index;
}
