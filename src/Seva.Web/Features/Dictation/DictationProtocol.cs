using System.Text.Json;
using System.Text.Json.Serialization;
using Seva.Actors.Dictation;
using Seva.Actors.Formatting;

namespace Seva.Web.Features.Dictation;

/// <summary>The JSON messages of <c>/api/v1/dictation/stream</c> (pinned: clients elsewhere use them).</summary>
internal static class DictationProtocol
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public const int MaxTextMessageBytes = 64 * 1024;
    private const int MaxVocabularyItems = 500;
    private const int MaxFieldLength = 128;

    public static double Timestamp(TimeProvider time) => Math.Round(time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0, 3);

    /// <summary>Parses a client text frame; throws <see cref="DictationException"/> naming the bad field.</summary>
    public static ClientMessage Parse(ReadOnlySpan<byte> utf8)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8.ToArray());
        }
        catch (JsonException ex)
        {
            throw Field("message", $"not valid JSON ({ex.Message})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Field("message", "must be a JSON object");
            }

            var type = OptionalString(root, "type") ?? throw Field("type", "is required (session_start or session_end)");
            return type switch
            {
                "session_start" => ParseStart(root),
                "session_end" => new SessionEnd(OptionalString(root, "session_id"), OptionalNumber(root, "timestamp")),
                _ => throw Field("type", $"'{type}' is not a message type: use session_start or session_end"),
            };
        }
    }

    private static SessionStartMessage ParseStart(JsonElement root)
    {
        var sessionId = OptionalString(root, "session_id");
        if (sessionId is not null && !Guid.TryParse(sessionId, out _))
        {
            throw Field("session_id", $"'{Truncate(sessionId)}' is not a UUID");
        }

        var quality = OptionalString(root, "quality") ?? DictationQuality.Medium;
        if (!DictationQuality.All.Contains(quality))
        {
            throw Field("quality", $"'{Truncate(quality)}' is not a quality: use low, medium or high");
        }

        var language = OptionalString(root, "language") ?? "en-US";
        var specialty = OptionalString(root, "specialty");
        var vocabulary = new List<string>();
        if (root.TryGetProperty("vocabulary", out var vocab) && vocab.ValueKind != JsonValueKind.Null)
        {
            if (vocab.ValueKind != JsonValueKind.Array)
            {
                throw Field("vocabulary", "must be an array of strings");
            }

            var i = 0;
            foreach (var item in vocab.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    throw Field($"vocabulary[{i}]", "must be a string");
                }

                vocabulary.Add(item.GetString()!);
                i++;
            }

            if (vocabulary.Count > MaxVocabularyItems)
            {
                throw Field("vocabulary", $"has {vocabulary.Count} entries; at most {MaxVocabularyItems} are allowed");
            }
        }

        var degrees = OptionalString(root, "degrees") switch
        {
            null => (DegreesMeaning?)null,
            "words" => DegreesMeaning.Words,
            "fahrenheit" => DegreesMeaning.Fahrenheit,
            "celsius" => DegreesMeaning.Celsius,
            var other => throw Field("degrees", $"'{Truncate(other)}' is not a choice: use words, fahrenheit or celsius"),
        };
        return new SessionStartMessage(sessionId, quality, language, specialty, vocabulary, OptionalNumber(root, "timestamp"), OptionalBool(root, "formatting"), degrees);
    }

    private static bool? OptionalBool(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Field(name, $"must be true or false, not {value.ValueKind.ToString().ToLowerInvariant()}"),
        };
    }

    private static string? OptionalString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw Field(name, $"must be a string, not {value.ValueKind.ToString().ToLowerInvariant()}");
        }

        var text = value.GetString()!;
        return text.Length > MaxFieldLength ? throw Field(name, $"is longer than {MaxFieldLength} characters") : text;
    }

    private static double? OptionalNumber(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number ? value.GetDouble() : throw Field(name, "must be a number (unix seconds)");
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "...";

    private static DictationException Field(string field, string message) =>
        new(DictationError.InvalidField(field, message));
}

internal abstract record ClientMessage;

internal sealed record SessionStartMessage(
    string? SessionId,
    string Quality,
    string Language,
    string? Specialty,
    IReadOnlyList<string> Vocabulary,
    double? Timestamp,
    bool? Formatting = null,
    DegreesMeaning? Degrees = null) : ClientMessage
{
    /// <summary>How this session's finals are written: the user's preference, where the message does not
    /// say otherwise.</summary>
    public FormattingOptions FormattingFor(FormattingOptions preference)
    {
        ArgumentNullException.ThrowIfNull(preference);
        var mode = Formatting switch
        {
            true => FormattingMode.Dictation,
            false => FormattingMode.Off,
            null => preference.Mode,
        };
        return new FormattingOptions(mode, Degrees ?? preference.Degrees);
    }
}

internal sealed record SessionEnd(string? SessionId, double? Timestamp) : ClientMessage;

internal sealed record SessionAckMessage(string SessionId, string JobId, int SampleRate, bool Resumed, long ReceivedBytes, double Timestamp)
{
    [JsonPropertyOrder(-1)]
    public string Type { get; } = "session_ack";

    public string Status { get; } = "ready";
}

/// <summary>A partial (raw) or a final: <c>text</c> formatted unless the session asked for none,
/// <c>raw_text</c> what was recognised, <c>separator</c> what goes between the transcript so far and it.</summary>
internal sealed record TranscriptionResultMessage(
    bool IsPartial,
    string Text,
    string SegmentId,
    double Timestamp,
    double Confidence,
    double StartTime,
    double EndTime,
    string RawText,
    string Separator)
{
    [JsonPropertyOrder(-1)]
    public string Type { get; } = "transcription_result";
}

/// <summary>"Scratch that": these finals are no longer part of the transcript (nor of the record).</summary>
internal sealed record TranscriptRetractedMessage(IReadOnlyList<string> SegmentIds, double Timestamp)
{
    [JsonPropertyOrder(-1)]
    public string Type { get; } = "transcript_retracted";
}

internal sealed record SessionCompleteMessage(
    string SessionId,
    string TranscriptionId,
    string? AudioKey,
    double TotalDuration,
    int WordCount,
    double Timestamp)
{
    [JsonPropertyOrder(-1)]
    public string Type { get; } = "session_complete";
}

/// <summary>The PCM bytes of the session the server holds, at least once a second while audio may come.</summary>
internal sealed record AudioAckMessage(long ReceivedBytes, double Timestamp)
{
    [JsonPropertyOrder(-1)]
    public string Type { get; } = "audio_ack";
}

internal sealed record HeartbeatMessage(double Timestamp)
{
    [JsonPropertyOrder(-1)]
    public string Type { get; } = "heartbeat";
}

internal sealed record ErrorMessage(
    string ErrorCode,
    string Message,
    bool Recoverable,
    int RetryAfter,
    double Timestamp,
    ErrorContext Context)
{
    [JsonPropertyOrder(-1)]
    public string Type { get; } = "error";
}

internal sealed record ErrorContext(string? SessionId);
