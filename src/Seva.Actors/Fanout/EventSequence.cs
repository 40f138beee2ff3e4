namespace Seva.Actors.Fanout;

/// <summary>How a session numbers the events it sends one follower: from 1, in the epoch of the host
/// running it. The epoch is the high half of the number: 0 where the session started, one more each time
/// it goes on on another actor host after a move, so a receiver can tell a fresh count from duplicates.</summary>
public static class EventSequence
{
    private const int EpochShift = 32;

    public static long First(int epoch) => Start(epoch) + 1;

    /// <summary>The number before the first of an epoch: where a sender's counter begins.</summary>
    public static long Start(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return (long)epoch << EpochShift;
    }

    public static int Epoch(long sequence) => (int)(sequence >> EpochShift);
}
