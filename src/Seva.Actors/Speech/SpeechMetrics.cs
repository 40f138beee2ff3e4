using Seva.Actors.Telemetry;

namespace Seva.Actors.Speech;

/// <summary>How the engine keeps up: how long audio waits between arriving and being decoded.</summary>
/// <remarks>One instance per process. Delays go to the <see cref="SevaTelemetry"/> histograms; the
/// recent maximum is kept here because it drives admission: while decoding lags, new sessions are
/// refused rather than letting every session fall behind.</remarks>
public sealed class SpeechMetrics(TimeProvider time)
{
    private static readonly TimeSpan RecentWindow = TimeSpan.FromSeconds(2);
    private long _recentMaxTicks;
    private long _recentMaxAt;

    /// <summary>The longest ingest delay seen in the last two seconds.</summary>
    public TimeSpan RecentDelay
    {
        get
        {
            var at = Interlocked.Read(ref _recentMaxAt);
            return at == 0 || time.GetElapsedTime(at) > RecentWindow ? TimeSpan.Zero : TimeSpan.FromTicks(Interlocked.Read(ref _recentMaxTicks));
        }
    }

    /// <summary>Audio arrived at <paramref name="arrivalTimestamp"/> was just queued for the decoder.</summary>
    public void RecordHandoff(long arrivalTimestamp, int samples, int sampleRate)
    {
        SevaTelemetry.HandoffDelay.Record(time.GetElapsedTime(arrivalTimestamp).TotalSeconds);
        SevaTelemetry.AudioReceived.Add(samples / (double)sampleRate);
    }

    /// <summary>A decode worker took audio that arrived at <paramref name="arrivalTimestamp"/> and was
    /// queued at <paramref name="queuedTimestamp"/>.</summary>
    public void RecordIngest(long arrivalTimestamp, long queuedTimestamp)
    {
        var now = time.GetTimestamp();
        SevaTelemetry.DecodeQueueDelay.Record(time.GetElapsedTime(queuedTimestamp, now).TotalSeconds);
        var delay = time.GetElapsedTime(arrivalTimestamp, now);
        SevaTelemetry.IngestDelay.Record(delay.TotalSeconds);

        // Keep a decaying maximum: a new maximum, or any value once the old one is out of the window.
        // Races between workers can only lose a value for one window, which admission tolerates.
        var at = Interlocked.Read(ref _recentMaxAt);
        if (delay.Ticks >= Interlocked.Read(ref _recentMaxTicks) || at == 0 || time.GetElapsedTime(at, now) > RecentWindow)
        {
            Interlocked.Exchange(ref _recentMaxTicks, delay.Ticks);
            Interlocked.Exchange(ref _recentMaxAt, now);
        }
    }

    public void RecordChunkDecode(long startedTimestamp) =>
        SevaTelemetry.ChunkDecodeDuration.Record(time.GetElapsedTime(startedTimestamp).TotalSeconds);

    public void RecordUtteranceEnd(long startedTimestamp) =>
        SevaTelemetry.UtteranceEndDuration.Record(time.GetElapsedTime(startedTimestamp).TotalSeconds);

    /// <summary>A final left the decoder; the audio that ended its utterance arrived at <paramref name="arrivalTimestamp"/>.</summary>
    public void RecordFinal(long arrivalTimestamp) =>
        SevaTelemetry.FinalLatency.Record(time.GetElapsedTime(arrivalTimestamp).TotalSeconds);
}
