namespace Seva.Actors.Speech;

/// <summary>How the engine keeps up: how long audio waits between arriving and being decoded.</summary>
/// <remarks>One instance per process. The recent delay drives admission: while decoding lags, new
/// sessions are refused rather than letting every session fall behind.</remarks>
public sealed class SpeechMetrics(TimeProvider time)
{
    private static readonly TimeSpan RecentWindow = TimeSpan.FromSeconds(2);
    private long _recentMaxTicks;
    private long _recentMaxAt;

    /// <summary>Time from an audio frame arriving on the socket (or circuit) to its samples entering the decoder.</summary>
    public LatencyHistogram IngestDelay { get; } = new();

    /// <summary>Seva's own share of <see cref="IngestDelay"/>: from the frame arriving to its samples being
    /// queued for the decoder (parsing, the session's turn, MP3 encoding, resampling).</summary>
    public LatencyHistogram HandoffDelay { get; } = new();

    /// <summary>The engine's share of <see cref="IngestDelay"/>: from audio being queued for the decoder
    /// to a decode worker taking it.</summary>
    public LatencyHistogram DecodeQueueDelay { get; } = new();

    /// <summary>How long a decode worker spends closing an utterance (search wrap-up, word alignment).</summary>
    public LatencyHistogram UtteranceEndTime { get; } = new();

    /// <summary>How long a decode worker spends on one chunk of audio.</summary>
    public LatencyHistogram ChunkDecodeTime { get; } = new();

    /// <summary>The longest ingest delay seen in the last two seconds.</summary>
    public TimeSpan RecentDelay
    {
        get
        {
            var at = Interlocked.Read(ref _recentMaxAt);
            return at == 0 || time.GetElapsedTime(at) > RecentWindow ? TimeSpan.Zero : TimeSpan.FromTicks(Interlocked.Read(ref _recentMaxTicks));
        }
    }

    public void RecordHandoff(long arrivalTimestamp) => HandoffDelay.Record(time.GetElapsedTime(arrivalTimestamp));

    public void RecordIngest(long arrivalTimestamp, long queuedTimestamp)
    {
        var now = time.GetTimestamp();
        DecodeQueueDelay.Record(time.GetElapsedTime(queuedTimestamp, now));
        var delay = time.GetElapsedTime(arrivalTimestamp, now);
        IngestDelay.Record(delay);

        // Keep a decaying maximum: a new maximum, or any value once the old one is out of the window.
        // Races between workers can only lose a value for one window, which admission tolerates.
        var at = Interlocked.Read(ref _recentMaxAt);
        if (delay.Ticks >= Interlocked.Read(ref _recentMaxTicks) || at == 0 || time.GetElapsedTime(at, now) > RecentWindow)
        {
            Interlocked.Exchange(ref _recentMaxTicks, delay.Ticks);
            Interlocked.Exchange(ref _recentMaxAt, now);
        }
    }
}
