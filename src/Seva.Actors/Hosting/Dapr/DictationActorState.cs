using Seva.Actors.Contracts;
using Seva.Actors.Dictation;

namespace Seva.Actors.Hosting.Dapr;

/// <summary>Written by name, so the state store reads plainly.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<DictationActorStatus>))]
public enum DictationActorStatus
{
    Running,
    Ended,
}

/// <summary>What the actor state store keeps of a dictation session: enough for any host to answer for
/// it (who it belongs to, its record, how much audio it took, where its events go, how it ended).</summary>
public sealed record DictationActorState(
    string SessionId,
    string UserId,
    Guid TranscriptionId,
    int SampleRate,
    DictationActorStatus Status,
    long ReceivedBytes,
    double SecondsDecoded,
    FollowerAddress Follower,
    DictationCompleted? Completed)
{
    public static DictationActorState Started(string sessionId, string userId, DictationStarted started, FollowerAddress follower)
    {
        ArgumentNullException.ThrowIfNull(started);
        return new(sessionId, userId, started.TranscriptionId, started.SampleRate, DictationActorStatus.Running, started.ReceivedBytes, 0, follower, null);
    }

    public DictationActorState With(DictationProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        return this with
        {
            Status = progress.Completed is null && progress.IsActive ? DictationActorStatus.Running : DictationActorStatus.Ended,
            ReceivedBytes = Math.Max(ReceivedBytes, progress.ReceivedBytes),
            SecondsDecoded = Math.Max(SecondsDecoded, progress.SecondsDecoded),
            Completed = progress.Completed ?? Completed,
        };
    }
}
