using Dapr.Actors;
using Seva.Actors.Broadcast;

namespace Seva.Actors.Contracts;

/// <summary>A live broadcast as every caller sees it (the broadcast WebSocket API, the speaker's and
/// listeners' pages), whichever host runs it. One request and one reply record per method, in JSON
/// (Dapr's non-remoting style); refusals come back in the reply's <c>Error</c>. Captions, state, status,
/// speech and the end reach each connection's host through the fan-out
/// (<see cref="Fanout.IBroadcastEventSink"/>).</summary>
public interface IBroadcastActor : IActor
{
    /// <summary>Starts the broadcast for its speaker; <c>ID_TAKEN</c> if this id was already used.</summary>
    Task<BroadcastStartReply> StartAsync(BroadcastStartRequest request);

    /// <summary>Speaker audio (16-bit LE PCM, 16 kHz).</summary>
    Task<BroadcastReply> AcceptAudioAsync(BroadcastAudioRequest request);

    /// <summary>A speaker control (pause, mute, volume...): the new state, or 403/400/404.</summary>
    Task<BroadcastControlReply> ControlAsync(BroadcastControlRequest request);

    /// <summary>A listener joins in a language: the recent captions in it and the state.</summary>
    Task<BroadcastJoinReply> JoinAsync(BroadcastJoinRequest request);

    /// <summary>A listener changes its language or turns spoken translation on or off.</summary>
    Task<BroadcastReply> ChangeListenerAsync(BroadcastListenerChange request);

    Task LeaveAsync(BroadcastLeaveRequest request);

    /// <summary>What the broadcast is now; <see cref="BroadcastSnapshot.Exists"/> is false if it is not live.</summary>
    Task<BroadcastSnapshot> GetSnapshotAsync(BroadcastSnapshotRequest request);

    /// <summary>Ends the broadcast for everyone (the last words are sent first).</summary>
    Task EndAsync(BroadcastEndRequest request);

    /// <summary>The broadcast's timer: the speaker's periodic status, and the end once it expired.</summary>
    Task TickAsync();
}

public sealed record BroadcastStartRequest(FollowerAddress Speaker, string SourceLanguage, string QualityTier);

public sealed record BroadcastStartReply(BroadcastSnapshot? Started, BroadcastError? Error);

public sealed record BroadcastAudioRequest(string ConnectionId, byte[] Pcm);

public sealed record BroadcastReply(BroadcastError? Error);

public sealed record BroadcastControlRequest(string ConnectionId, string Action, BroadcastStateChange Change);

public sealed record BroadcastControlReply(BroadcastState? State, BroadcastError? Error);

public sealed record BroadcastJoinRequest(FollowerAddress Listener, string Language, bool AudioOn);

public sealed record BroadcastJoinReply(IReadOnlyList<Caption> RecentCaptions, BroadcastState? State, BroadcastError? Error);

/// <summary>Null fields are unchanged.</summary>
public sealed record BroadcastListenerChange(string ConnectionId, string? Language = null, bool? AudioOn = null);

public sealed record BroadcastLeaveRequest(string ConnectionId);

/// <param name="StatusReason">Why the status in the snapshot is asked for (<see cref="StatusReasons"/>).</param>
public sealed record BroadcastSnapshotRequest(string StatusReason);

public sealed record BroadcastSnapshot(
    string SessionId,
    bool Exists,
    BroadcastState? State,
    BroadcastStatus? Status,
    IReadOnlyList<string> SupportedLanguages);

public sealed record BroadcastEndRequest(string Reason);

/// <summary>Reaches the broadcast actor of an id on whatever host runs it.</summary>
public interface IBroadcastActors
{
    IBroadcastActor Get(string broadcastId);
}

/// <summary>Starts a broadcast under a fresh readable id. The id is unique because the actor of an id
/// refuses a second start (<c>ID_TAKEN</c>): the same rule whichever host runs it.</summary>
public static class BroadcastLauncher
{
    public const string IdTaken = "ID_TAKEN";
    private const int Attempts = 20;

    public static async Task<BroadcastStartReply> StartAsync(IBroadcastActors actors, BroadcastStartRequest request)
    {
        ArgumentNullException.ThrowIfNull(actors);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var id = BroadcastIds.Next(_ => false, Random.Shared);
            var reply = await actors.Get(id).StartAsync(request);
            if (reply.Error?.ErrorCode != IdTaken)
            {
                return reply;
            }
        }

        return new BroadcastStartReply(null, new BroadcastError(503, "TRANSCRIBE_SERVICE_ERROR", "No free broadcast id was found. Please try again."));
    }
}
