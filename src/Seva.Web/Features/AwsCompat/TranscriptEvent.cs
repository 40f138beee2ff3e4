using System.Text.Json;
using System.Text.Json.Serialization;

namespace Seva.Web.Features.AwsCompat;

/// <summary>A TranscriptEvent's payload, with the service's member names. Times are seconds from the start
/// of the stream. Absent (null) members are left out, as the service leaves them out: <c>Stable</c> only
/// with partial-results stabilization, no <c>LanguageCode</c> or <c>Stable</c> for the medical variant.</summary>
public sealed record TranscriptEvent(Transcript Transcript);

public sealed record Transcript(IReadOnlyList<TranscriptResult> Results);

public sealed record TranscriptResult(
    string ResultId,
    double StartTime,
    double EndTime,
    bool IsPartial,
    IReadOnlyList<TranscriptAlternative> Alternatives,
    string? ChannelId = null,
    string? LanguageCode = null);

public sealed record TranscriptAlternative(string Transcript, IReadOnlyList<TranscriptItem> Items);

public sealed record TranscriptItem(
    double StartTime,
    double EndTime,
    TranscriptItemType Type,
    string Content,
    double? Confidence = null,
    bool? Stable = null);

[JsonConverter(typeof(JsonStringEnumConverter<TranscriptItemType>))]
public enum TranscriptItemType
{
    [JsonStringEnumMemberName("pronunciation")]
    Pronunciation,

    [JsonStringEnumMemberName("punctuation")]
    Punctuation,
}

/// <summary>The body of an exception event or of an error response: <c>{"Message": "..."}</c>.</summary>
public sealed record TranscribeErrorBody(string Message);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TranscriptEvent))]
[JsonSerializable(typeof(TranscribeErrorBody))]
internal sealed partial class TranscribeJson : JsonSerializerContext;
