namespace Seva.Actors.Broadcast;

/// <summary>What a broadcast takes with it to go on on another actor host, as the host that ran it saved
/// it: who speaks and listens (with the connections their events now go to), the speaker's controls, and
/// when it started, which its expiry counts from.</summary>
public sealed record BroadcastCarryOver(
    string SourceLanguage,
    string QualityTier,
    DateTimeOffset StartedAt,
    BroadcastState State,
    string SpeakerConnectionId,
    IBroadcastClient Speaker,
    IReadOnlyList<CarriedListener> Listeners);

/// <summary>A listener a broadcast takes with it: its connection, language, spoken audio on or off.</summary>
public sealed record CarriedListener(string ConnectionId, string Language, bool AudioOn, IBroadcastClient Client);
