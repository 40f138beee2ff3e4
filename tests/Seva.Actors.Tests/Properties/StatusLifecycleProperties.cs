using FsCheck;
using FsCheck.Xunit;
using Seva.Actors.Storage;

namespace Seva.Actors.Tests.Properties;

public sealed class StatusLifecycleProperties
{
    private static readonly string[] Statuses = [TranscriptionStatus.InProgress, TranscriptionStatus.Completed, TranscriptionStatus.Failed, "OTHER"];

    [Property(MaxTest = 200)]
    public bool Transitions_OnlyFromInProgressToAFinishedStatus(byte from, byte to)
    {
        var f = Statuses[from % Statuses.Length];
        var t = Statuses[to % Statuses.Length];
        var allowed = f == TranscriptionStatus.InProgress && (t == TranscriptionStatus.Completed || t == TranscriptionStatus.Failed);
        return TranscriptionStatus.CanTransition(f, t) == allowed;
    }

    [Property(MaxTest = 100)]
    public bool AnySequenceOfTransitions_EndsFinishedAtMostOnce(byte[] attempts)
    {
        var status = TranscriptionStatus.InProgress;
        var changes = 0;
        foreach (var a in attempts ?? [])
        {
            var next = Statuses[a % Statuses.Length];
            if (TranscriptionStatus.CanTransition(status, next))
            {
                status = next;
                changes++;
            }
        }

        return changes <= 1 && (changes == 0 ? status == TranscriptionStatus.InProgress : status != TranscriptionStatus.InProgress);
    }
}
