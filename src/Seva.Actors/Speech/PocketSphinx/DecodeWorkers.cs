using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Seva.Actors.Speech.PocketSphinx;

/// <summary>A fixed set of threads that decode every stream's queued audio.</summary>
/// <remarks>A stream with audio waiting is queued here once (it tracks that itself); a worker decodes a
/// bounded slice of it and re-queues it if more remains, so one long stream cannot starve the others
/// and a stream never runs on two workers at once. About one worker per core beats a thread per
/// stream, which falls behind sooner under load.</remarks>
internal sealed class DecodeWorkers : IDisposable
{
    private readonly ConcurrentQueue<PocketSphinxStream> _ready = new();
    private readonly SemaphoreSlim _signal = new(0);
    private volatile bool _stopping;

    private readonly Thread[] _threads;
    private readonly ILogger<DecodeWorkers> _logger;

    private readonly IOptions<PocketSphinxOptions> _options;
    private readonly SpeechMetrics _metrics;
    private readonly WorkerLoad _load = new();

    public DecodeWorkers(IOptions<PocketSphinxOptions> options, SpeechMetrics metrics, ILogger<DecodeWorkers> logger)
    {
        _logger = logger;
        _options = options;
        _metrics = metrics;
        _threads = new Thread[options.Value.DecodeWorkers];
        for (var i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(Run) { IsBackground = true, Name = $"decode-worker-{i}" };
            _threads[i].Start();
        }
    }

    public int Count => _threads.Length;


    public void Schedule(PocketSphinxStream stream)
    {
        if (_stopping)
        {
            stream.Fail(new ObjectDisposedException(nameof(DecodeWorkers)));
            return;
        }

        _ready.Enqueue(stream);
        _signal.Release();
    }

    public void Dispose()
    {
        _stopping = true;
        _signal.Release(_threads.Length);
        var joined = true;
        foreach (var thread in _threads)
        {
            joined &= thread.Join(TimeSpan.FromSeconds(5));
        }

        // A worker still loading its accurate decoder (slow on a busy machine) reaches Wait later: the
        // releases above let it through to see _stopping, but a disposed semaphore would throw on its
        // thread and take the process down (seen when a test server stops right after starting).
        if (joined)
        {
            _signal.Dispose();
        }
    }

    private void Run()
    {
        // Each worker has its own accurate decoder (decoders are single-threaded): one per worker, not
        // one per session, because a worker decodes one utterance's final at a time.
        using var accurate = AccurateFinalPass.TryCreate(_options, _metrics, () => _ready.Count, () => _load.BusyFraction, _logger);
        while (true)
        {
            // Block this dedicated thread until work arrives (one signal per queued stream).
            var idleFrom = System.Diagnostics.Stopwatch.GetTimestamp();
            _signal.Wait();
            var busyFrom = System.Diagnostics.Stopwatch.GetTimestamp();
            if (!_ready.TryDequeue(out var stream))
            {
                if (_stopping)
                {
                    return;
                }

                continue;
            }

            try
            {
                stream.DecodeSlice(accurate);
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Decoding failed for a stream");
                stream.Fail(ex);
            }

            _load.Report(System.Diagnostics.Stopwatch.GetElapsedTime(idleFrom, busyFrom), System.Diagnostics.Stopwatch.GetElapsedTime(busyFrom));
        }
    }
}
