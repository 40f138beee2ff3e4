using Seva.Actors.Broadcast;
using Seva.Actors.Contracts;

namespace Seva.Actors.Hosting.Dapr;

/// <summary>Written by name, so the state store reads plainly.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<BroadcastActorStatus>))]
public enum BroadcastActorStatus
{
    Running,
    Ended,
}

/// <summary>What the actor state store keeps of a broadcast: enough for any actor host to go on with it
/// (who speaks, who listens where and in which language, the speaker's controls, when it started, which
/// its expiry counts from) and the <see cref="Epoch"/> its events are numbered in.</summary>
/// <param name="Epoch">0 where it started; one more each time it went on on another actor host.</param>
public sealed record BroadcastActorState(
    string BroadcastId,
    BroadcastActorStatus Status,
    FollowerAddress Speaker,
    string SourceLanguage,
    string QualityTier,
    IReadOnlyList<BroadcastListener> Listeners,
    DateTimeOffset StartedAt,
    BroadcastState State,
    int Epoch)
{
    public static BroadcastActorState Started(string broadcastId, BroadcastStartRequest request, DateTimeOffset startedAt, BroadcastState state)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new(broadcastId, BroadcastActorStatus.Running, request.Speaker, request.SourceLanguage, request.QualityTier, [], startedAt, state, 0);
    }

    /// <summary>What a host needs to go on with it, its events numbered in the next epoch. Throws for a state
    /// saved before broadcasts could go on elsewhere, which lacks their start time and controls.</summary>
    public BroadcastContinuation NextContinuation()
    {
        // Read from JSON, a field missing from an older state is null or default whatever its type says.
        if (State is null || StartedAt == default || Listeners is null)
        {
            throw new InvalidOperationException($"Broadcast {BroadcastId} was saved without its start time, controls or listeners: it cannot go on on another host.");
        }

        return new(Speaker, SourceLanguage, QualityTier, StartedAt, State, Listeners, Epoch + 1);
    }

    public BroadcastActorState Ended() => this with { Status = BroadcastActorStatus.Ended, Listeners = [] };
}
