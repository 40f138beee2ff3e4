using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Seva.Actors.Telemetry;

namespace Seva.Actors.Speech.PocketSphinx;

/// <summary>Lends loaded decoders to streams, one stream per decoder at a time.</summary>
/// <remarks>Loading a decoder costs ~0.6 s and ~100 MB, so returned decoders are kept for the next
/// session (up to <see cref="PocketSphinxOptions.IdleDecoders"/>); the rest are freed. A decoder that
/// got a session's own words is freed rather than lent on: the library cannot remove words again.</remarks>
internal sealed class DecoderPool : IDisposable
{
    private readonly PocketSphinxOptions _options;
    private readonly ILogger<DecoderPool> _logger;
    private readonly IReadOnlyList<string> _arguments;
    private readonly ConcurrentBag<PocketSphinxDecoder> _idle = [];
    private readonly SemaphoreSlim _capacity;
    private int _loaded;
    private int _hasLoaded;
    private volatile string? _loadError;
    private bool _disposed;

    public DecoderPool(IOptions<PocketSphinxOptions> options, ILogger<DecoderPool> logger)
    {
        _options = options.Value;
        _logger = logger;
        _arguments = _options.ToArguments();
        _capacity = new SemaphoreSlim(_options.MaxDecoders, _options.MaxDecoders);
        PocketSphinxLog.Logger ??= logger;
        SevaTelemetry.ObserveDecoderPool(this, () => (Loaded, Idle));
    }

    /// <summary>Decoders currently loaded (lent or idle).</summary>
    public int Loaded => Volatile.Read(ref _loaded);

    public int Idle => _idle.Count;

    /// <summary>Whether a decoder has loaded in this process: the model files are usable.</summary>
    public bool HasLoaded => Volatile.Read(ref _hasLoaded) == 1;

    /// <summary>Why the last decoder load failed, or null after a successful one.</summary>
    public string? LoadError => _loadError;

    /// <summary>Loads <see cref="PocketSphinxOptions.WarmDecoders"/> decoders, so the first sessions do not
    /// wait for a load; at least one, so start-up proves the model loads (readiness waits for it).</summary>
    public async Task WarmAsync(CancellationToken cancellationToken)
    {
        while (_idle.Count < Math.Max(1, _options.WarmDecoders) && Loaded < _options.MaxDecoders)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var decoder = await Task.Run(LoadOne, cancellationToken);
            _idle.Add(decoder);
        }
    }

    public async Task<PocketSphinxDecoder> RentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _capacity.WaitAsync(cancellationToken);
        try
        {
            if (_idle.TryTake(out var decoder))
            {
                decoder.ResetCmn();
                return decoder;
            }

            // Loading is CPU-bound for ~0.6 s: keep it off the caller's thread.
            return await Task.Run(LoadOne, cancellationToken);
        }
        catch
        {
            _capacity.Release();
            throw;
        }
    }

    public void Return(PocketSphinxDecoder decoder, bool healthy)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        if (!_disposed && healthy && !decoder.HasSessionWords && _idle.Count < _options.IdleDecoders)
        {
            _idle.Add(decoder);
        }
        else
        {
            Free(decoder);
        }

        _capacity.Release();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        SevaTelemetry.ForgetDecoderPool(this);
        while (_idle.TryTake(out var decoder))
        {
            Free(decoder);
        }

        _capacity.Dispose();
    }

    private PocketSphinxDecoder LoadOne()
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        PocketSphinxDecoder decoder;
        try
        {
            decoder = PocketSphinxDecoder.Load(_arguments);
        }
        catch (Exception ex)
        {
            _loadError = ex.Message;
            throw;
        }

        _loadError = null;
        Volatile.Write(ref _hasLoaded, 1);
        var count = Interlocked.Increment(ref _loaded);
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        SevaTelemetry.DecoderLoads.Add(1);
        SevaTelemetry.DecoderLoadDuration.Record(elapsed.TotalSeconds);
        _logger.LogInformation("Loaded a PocketSphinx decoder in {Elapsed:F0} ms ({Count} loaded)", elapsed.TotalMilliseconds, count);
        return decoder;
    }

    private void Free(PocketSphinxDecoder decoder)
    {
        decoder.Dispose();
        Interlocked.Decrement(ref _loaded);

        // glibc keeps freed decoder memory in the heap until trimmed; give it back to the OS.
        _ = PocketSphinxNative.malloc_trim(0);
    }
}
