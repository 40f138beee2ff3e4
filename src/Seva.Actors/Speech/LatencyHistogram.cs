namespace Seva.Actors.Speech;

/// <summary>A lock-free histogram of durations with logarithmic buckets (about 19% wide, 1 µs to ~70 s).</summary>
/// <remarks>Recording is one interlocked increment, so it can sit on the audio path. Percentiles are
/// read from bucket counts; two snapshots can be subtracted to get the figures of one interval.</remarks>
public sealed class LatencyHistogram
{
    private const int BucketsPerDoubling = 4;
    private const int BucketCount = 26 * BucketsPerDoubling; // 2^26 µs ≈ 67 s
    private readonly long[] _counts = new long[BucketCount];
    private long _maxTicks;

    public void Record(TimeSpan value)
    {
        var micros = Math.Max(1.0, value.TotalMicroseconds);
        var bucket = Math.Clamp((int)(Math.Log2(micros) * BucketsPerDoubling), 0, BucketCount - 1);
        Interlocked.Increment(ref _counts[bucket]);
        var ticks = value.Ticks;
        var max = Interlocked.Read(ref _maxTicks);
        while (ticks > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxTicks, ticks, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    public LatencySnapshot Snapshot()
    {
        var counts = new long[BucketCount];
        for (var i = 0; i < BucketCount; i++)
        {
            counts[i] = Interlocked.Read(ref _counts[i]);
        }

        return new LatencySnapshot(counts, TimeSpan.FromTicks(Interlocked.Read(ref _maxTicks)));
    }

    /// <summary>Upper edge of a bucket, in milliseconds.</summary>
    internal static double BucketUpperMilliseconds(int bucket) => Math.Pow(2, (bucket + 1) / (double)BucketsPerDoubling) / 1000.0;
}

/// <summary>Bucket counts of a <see cref="LatencyHistogram"/> at one moment.</summary>
public sealed record LatencySnapshot(IReadOnlyList<long> Counts, TimeSpan Max)
{
    public long Count => Counts.Sum();

    /// <summary>The value below which <paramref name="quantile"/> of the recordings fall (bucket upper edge), in ms.</summary>
    public double PercentileMilliseconds(double quantile)
    {
        var total = Count;
        if (total == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        for (var i = 0; i < Counts.Count; i++)
        {
            seen += Counts[i];
            if (seen >= rank)
            {
                return Math.Min(LatencyHistogram.BucketUpperMilliseconds(i), Max.TotalMilliseconds);
            }
        }

        return Max.TotalMilliseconds;
    }

    /// <summary>What was recorded between <paramref name="earlier"/> and this snapshot (max is this one's).</summary>
    public LatencySnapshot Since(LatencySnapshot earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        return new LatencySnapshot([.. Counts.Select((c, i) => c - earlier.Counts[i])], Max);
    }
}
