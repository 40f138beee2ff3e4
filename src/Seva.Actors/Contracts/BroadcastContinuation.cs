using Seva.Actors.Broadcast;

namespace Seva.Actors.Contracts;

/// <summary>A listener as an actor host saves it: where its connection is, its language, its audio.</summary>
public sealed record BroadcastListener(FollowerAddress Address, string Language, bool AudioOn);

/// <summary>What an actor host needs to go on with a broadcast another host ran: what that host saved, and
/// the <paramref name="Epoch"/> the events numbered from now on belong to (one above that host's, so the
/// receiving hosts do not drop them as duplicates: <see cref="Fanout.EventSequence"/>).</summary>
public sealed record BroadcastContinuation(
    FollowerAddress Speaker,
    string SourceLanguage,
    string QualityTier,
    DateTimeOffset StartedAt,
    BroadcastState State,
    IReadOnlyList<BroadcastListener> Listeners,
    int Epoch);
