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
/// it (who it belongs to, its record, how much audio it took, where its events go, how it ended) and to go
/// on with it after a move (how it was started, whether a connection may resume it, and the
/// <see cref="Epoch"/> its events are numbered in: one more on each host it went on on).</summary>
public sealed record DictationActorState(
    string SessionId,
    string UserId,
    Guid TranscriptionId,
    int SampleRate,
    DictationActorStatus Status,
    long ReceivedBytes,
    double SecondsDecoded,
    FollowerAddress Follower,
    DictationCompleted? Completed,
    DictationStart? Start = null,
    bool Resumable = false,
    int Epoch = 0)
{
    public static DictationActorState Started(string sessionId, DictationStartRequest request, DictationStarted started)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(started);
        return new(sessionId, request.Start.UserId, started.TranscriptionId, started.SampleRate, DictationActorStatus.Running, started.ReceivedBytes, 0, request.Follower, null, request.Start with { SessionId = sessionId }, request.Resumable);
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
