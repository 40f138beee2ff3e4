namespace Seva.Actors.Broadcast;

/// <summary>A caption in one language. <see cref="SourceText"/> is what the speaker said.</summary>
public sealed record Caption(bool IsPartial, string Text, string Language, string SegmentId, string SourceText, DateTimeOffset Timestamp);

/// <summary>Where a broadcast's events go for one connection (a WebSocket, a Blazor circuit). Called in
/// the broadcast's turn: implementations queue and return at once.</summary>
public interface IBroadcastClient
{
    void OnCaption(Caption caption);

    void OnState(BroadcastState state);

    void OnStatus(BroadcastStatus status);

    void OnEnded(string reason);

    /// <summary>A spoken final in the listener's language, at the speaker's volume (16-bit mono PCM).</summary>
    void OnAudio(string segmentId, string language, int sampleRate, short[] samples);
}

/// <summary>A listener as the broadcast knows it.</summary>
public sealed record ListenerInfo(string ConnectionId, string Language, bool AudioOn, DateTimeOffset ConnectedAt);
