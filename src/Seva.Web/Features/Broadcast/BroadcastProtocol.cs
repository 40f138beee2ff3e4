using System.Text.Json;
using System.Text.Json.Serialization;
using Seva.Actors.Broadcast;

namespace Seva.Web.Features.Broadcast;

/// <summary>The JSON of <c>/api/v1/broadcast/ws</c> (camelCase, pinned: clients elsewhere use it).</summary>
internal static class BroadcastProtocol
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static double Timestamp(DateTimeOffset at) => Math.Round(at.ToUnixTimeMilliseconds() / 1000.0, 3);

    public static object State(BroadcastState s) => new
    {
        isActive = s.IsActive,
        isPaused = s.IsPaused,
        isMuted = s.IsMuted,
        volume = s.Volume,
        lastStateChange = Timestamp(s.LastStateChange),
    };

    public static object Caption(Caption c) => new
    {
        type = "caption",
        isPartial = c.IsPartial,
        text = c.Text,
        language = c.Language,
        segmentId = c.SegmentId,
        sourceText = c.SourceText,
        timestamp = Timestamp(c.Timestamp),
    };

    public static object Status(BroadcastStatus s) => new
    {
        type = "sessionStatus",
        sessionId = s.SessionId,
        listenerCount = s.ListenerCount,
        languageDistribution = s.LanguageDistribution,
        sessionDuration = s.SessionDuration,
        broadcastState = State(s.BroadcastState),
        timestamp = Timestamp(s.Timestamp),
        updateReason = s.UpdateReason,
    };

    public static object Error(BroadcastError e, string? action)
    {
        SevaTelemetry.RecordError("broadcast", e.ErrorCode);
        return ErrorMessage(e, action);
    }

    private static object ErrorMessage(BroadcastError e, string? action) => new
    {
        type = "error",
        code = e.Code,
        errorCode = e.ErrorCode,
        message = e.Message,
        action,
    };

    public static object Ack(string action) => new { type = "ack", action };
}
