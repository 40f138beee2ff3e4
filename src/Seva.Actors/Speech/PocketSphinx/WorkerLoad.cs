namespace Seva.Actors.Speech.PocketSphinx;

/// <summary>How busy the decode workers have been lately: the share of their time spent decoding,
/// averaged over about two seconds. Thread-safe.</summary>
/// <remarks>The accurate final pass asks it for headroom: a second pass holds a worker for a few
/// hundred milliseconds, which only an idle-enough set of workers can spare without delaying every
/// other stream's audio.</remarks>
internal sealed class WorkerLoad
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(2);
    private readonly Lock _gate = new();
    private double _busyFraction;

    /// <summary>Busy share of the workers' time, 0..1, as of the latest report.</summary>
    public double BusyFraction
    {
        get
        {
            lock (_gate)
            {
                return _busyFraction;
            }
        }
    }

    /// <summary>A worker was idle for <paramref name="idle"/>, then busy for <paramref name="busy"/>.</summary>
    public void Report(TimeSpan idle, TimeSpan busy)
    {
        var span = idle + busy;
        if (span <= TimeSpan.Zero)
        {
            return;
        }

        // An exponential average weighted by time: a long idle spell counts for more than a short one.
        var weight = 1 - Math.Exp(-span.TotalSeconds / Window.TotalSeconds);
        var sample = busy / span;
        lock (_gate)
        {
            _busyFraction += weight * (sample - _busyFraction);
        }
    }
}
