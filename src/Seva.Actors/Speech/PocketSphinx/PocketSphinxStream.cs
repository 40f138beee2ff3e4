using System.Buffers;
using System.Collections.Concurrent;
using Seva.Actors.Telemetry;

namespace Seva.Actors.Speech.PocketSphinx;

/// <summary>One recognition stream on a lent decoder, decoded by <see cref="DecodeWorkers"/>.</summary>
/// <remarks><see cref="Write"/> may be called from any one thread at a time; decoding happens on a
/// worker, one slice at a time (the <c>_scheduled</c> flag keeps a stream on at most one worker).
/// Fields under "decode state" are touched only by the worker holding the stream.</remarks>
internal sealed class PocketSphinxStream : ISpeechStream
{
    private const int EngineRate = 16_000;
    private const int StepSamples = 2048; // 128 ms, as pocketsphinx_continuous reads: the same utterance cuts, so the same words
    private const int SliceBudgetSamples = EngineRate * 2; // then let other streams have the worker
    private const double OnsetLeadSeconds = 0.3;          // VAD start (10 frames) + pre-speech (20 frames)
    private const int PreRollSamples = EngineRate * 3 / 10; // kept before an onset for the accurate pass: the VAD's own lead
    private const int MaxAccurateSamples = EngineRate * 20; // longer utterances keep the live pass's final

    private readonly PocketSphinxDecoder _decoder;
    private readonly DecoderPool _pool;
    private readonly DecodeWorkers _workers;
    private readonly ISpeechResultSink _sink;
    private readonly TimeProvider _time;
    private readonly TimeSpan _partialInterval;
    private readonly SpeechMetrics _metrics;
    private readonly ConcurrentQueue<Chunk> _queue = new();
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _scheduled;
    private int _ended;
    private long _samplesWritten;
    private volatile bool _abandoned;
    private volatile Exception? _fault;

    // decode state
    private bool _utteranceStarted;
    private bool _inSpeech;
    private string? _segmentId;
    private double _utteranceStart;
    private double _lastEnd;
    private long _samplesDecoded;

    /// <summary>When the audio being decoded arrived: a final produced now ends with it.</summary>
    private long _decodingArrival;
    private string _lastPartial = string.Empty;
    private long _lastPartialAt;
    private readonly UtteranceAudio _utteranceAudio = new(PreRollSamples, MaxAccurateSamples);

    /// <summary>The accurate final pass of the worker decoding this stream now (null: none).</summary>
    private AccurateFinalPass? _accurate;

    public PocketSphinxStream(PocketSphinxDecoder decoder, DecoderPool pool, DecodeWorkers workers, ISpeechResultSink sink, TimeProvider time, TimeSpan partialInterval, SpeechMetrics metrics)
    {
        _metrics = metrics;
        _decoder = decoder;
        _pool = pool;
        _workers = workers;
        _sink = sink;
        _time = time;
        _partialInterval = partialInterval;
        decoder.StartStream();
    }

    public double SecondsWritten => Interlocked.Read(ref _samplesWritten) / (double)EngineRate;

    // Written by the worker holding the stream only; a long reads whole on 64-bit, Volatile keeps it fresh.
    public double SecondsDecoded => Volatile.Read(ref _samplesDecoded) / (double)EngineRate;

    public void Write(ReadOnlySpan<short> samples, long arrivalTimestamp)
    {
        if (Volatile.Read(ref _ended) != 0)
        {
            throw new InvalidOperationException("The stream has ended.");
        }

        if (_fault is { } fault)
        {
            throw new SpeechEngineException("The speech engine failed earlier in this stream.", fault);
        }

        if (samples.IsEmpty)
        {
            return;
        }

        var buffer = ArrayPool<short>.Shared.Rent(samples.Length);
        samples.CopyTo(buffer);
        _queue.Enqueue(new Chunk(buffer, samples.Length, arrivalTimestamp, _time.GetTimestamp()));
        _metrics.RecordHandoff(arrivalTimestamp, samples.Length, EngineRate);
        Interlocked.Add(ref _samplesWritten, samples.Length);
        TrySchedule();
    }

    public Task CompleteAsync(CancellationToken cancellationToken)
    {
        End();
        return _completed.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_completed.Task.IsCompleted)
        {
            _abandoned = true; // nobody wants the rest: drop queued audio instead of decoding it
            End();
        }

        try
        {
            await _completed.Task;
        }
        catch (Exception)
        {
            // the failure was reported through the sink already
        }

        _pool.Return(_decoder, healthy: _fault is null);
        _utteranceAudio.Dispose();
    }

    /// <summary>Called by a worker: decodes up to a slice of queued audio; <paramref name="accurate"/>
    /// is the worker's accurate final pass, if it has one.</summary>
    public void DecodeSlice(AccurateFinalPass? accurate)
    {
        _accurate = accurate;
        var budget = SliceBudgetSamples;
        while (budget > 0 && _queue.TryDequeue(out var chunk))
        {
            if (chunk.Buffer is null)
            {
                if (_fault is null)
                {
                    if (_abandoned)
                    {
                        CloseUtteranceQuietly();
                    }
                    else
                    {
                        _decodingArrival = chunk.Arrival;
                        EndUtterance(startNext: false);
                    }
                }

                _completed.TrySetResult();
                continue;
            }

            try
            {
                if (!_abandoned && _fault is null)
                {
                    _metrics.RecordIngest(chunk.Arrival, chunk.Queued);
                    _decodingArrival = chunk.Arrival;
                    var started = _time.GetTimestamp();
                    for (var offset = 0; offset < chunk.Length; offset += StepSamples)
                    {
                        Step(chunk.Buffer.AsSpan(offset, Math.Min(StepSamples, chunk.Length - offset)));
                    }

                    _metrics.RecordChunkDecode(started);
                }
            }
            finally
            {
                ArrayPool<short>.Shared.Return(chunk.Buffer);
            }

            budget -= chunk.Length;
        }

        Volatile.Write(ref _scheduled, 0);
        if (!_queue.IsEmpty)
        {
            TrySchedule();
        }
    }

    public void Fail(Exception error)
    {
        if (_fault is not null)
        {
            return;
        }

        _fault = error;
        Volatile.Write(ref _scheduled, 0);
        _sink.OnError(error);
        _completed.TrySetException(error);
        while (_queue.TryDequeue(out var chunk))
        {
            if (chunk.Buffer is not null)
            {
                ArrayPool<short>.Shared.Return(chunk.Buffer);
            }
        }
    }

    private void End()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            _queue.Enqueue(new Chunk(null, 0, _time.GetTimestamp(), 0)); // the end arrives now
            TrySchedule();
        }
    }

    private void TrySchedule()
    {
        if (_fault is null && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            _workers.Schedule(this);
        }
    }

    private void Step(ReadOnlySpan<short> samples)
    {
        if (!_utteranceStarted)
        {
            _decoder.StartUtterance();
            _utteranceStarted = true;
        }

        _utteranceAudio.Append(samples);
        _decoder.Process(samples);
        Volatile.Write(ref _samplesDecoded, _samplesDecoded + samples.Length);
        var inSpeech = _decoder.InSpeech;
        if (inSpeech && !_inSpeech)
        {
            _segmentId = Guid.NewGuid().ToString();
            _utteranceStart = Math.Max(_lastEnd, (_samplesDecoded / (double)EngineRate) - OnsetLeadSeconds);
            _lastPartial = string.Empty;
            _lastPartialAt = 0;
        }

        _inSpeech = inSpeech;
        if (inSpeech)
        {
            MaybeEmitPartial();
        }
        else if (_segmentId is not null)
        {
            EndUtterance(startNext: true);
        }
        else
        {
            _utteranceAudio.TrimToPreRoll();
        }
    }

    private void MaybeEmitPartial()
    {
        var now = _time.GetTimestamp();
        if (_lastPartialAt != 0 && _time.GetElapsedTime(_lastPartialAt, now) < _partialInterval)
        {
            return;
        }

        var text = HypothesisText.Clean(_decoder.Hypothesis());
        if (text.Length == 0 || text == _lastPartial)
        {
            return;
        }

        _lastPartial = text;
        _lastPartialAt = now;
        var end = _samplesDecoded / (double)EngineRate;
        _sink.OnResult(new RecognitionResult(_segmentId!, IsPartial: true, text, Confidence: 0, _utteranceStart, end, []));
    }

    /// <summary>Ends an open utterance without reporting it, so the decoder goes back to the pool idle
    /// (the library refuses to start an utterance while one is open).</summary>
    private void CloseUtteranceQuietly()
    {
        if (_utteranceStarted)
        {
            _decoder.EndUtterance();
            _utteranceStarted = false;
        }
    }

    private void EndUtterance(bool startNext)
    {
        if (!_utteranceStarted)
        {
            return;
        }

        var started = _time.GetTimestamp();
        _decoder.EndUtterance();
        _utteranceStarted = false;
        var segmentId = _segmentId ?? Guid.NewGuid().ToString();
        if (_segmentId is null)
        {
            _utteranceStart = Math.Max(_lastEnd, (_samplesDecoded / (double)EngineRate) - (_decoder.FramesInUtterance / 100.0));
        }

        _segmentId = null;
        _inSpeech = false;
        var words = new List<RecognizedWord>();
        foreach (var (word, startFrame, endFrame, probability) in _decoder.Segments())
        {
            var clean = HypothesisText.CleanWord(word);
            if (clean.Length > 0)
            {
                words.Add(new RecognizedWord(clean, startFrame / 100.0, (endFrame + 1) / 100.0, probability));
            }
        }

        var text = HypothesisText.Clean(_decoder.Hypothesis());
        _metrics.RecordUtteranceEnd(started);
        var pass = RecognitionPass.Live;
        if (text.Length > 0)
        {
            (text, words, pass) = FinalWords(text, words);
        }

        _utteranceAudio.Restart(_samplesDecoded);
        if (words.Count > 0)
        {
            _utteranceStart = words[0].StartTime;
        }

        var endTime = words.Count > 0 ? words[^1].EndTime : _samplesDecoded / (double)EngineRate;
        _lastEnd = Math.Max(_lastEnd, endTime);
        if (text.Length > 0)
        {
            var confidence = words.Count > 0 ? words.Average(w => w.Confidence) : _decoder.HypothesisProbability();
            _sink.OnResult(new RecognitionResult(segmentId, IsPartial: false, text, Math.Round(confidence, 3), Math.Round(_utteranceStart, 2), Math.Round(endTime, 2), words, pass));
            _metrics.RecordFinal(_decodingArrival);
        }

        if (startNext)
        {
            _decoder.StartUtterance();
            _utteranceStarted = true;
        }
    }

    /// <summary>The final's words: decoded again as a whole when the worker has an accurate pass and
    /// the moment allows it, else the live pass's.</summary>
    private (string Text, List<RecognizedWord> Words, string Pass) FinalWords(string liveText, List<RecognizedWord> liveWords)
    {
        var result = (liveText, liveWords, RecognitionPass.Live);
        if (_accurate is not null && _utteranceAudio.Complete && _accurate.ShouldRun(_decoder.HasSessionWords, _utteranceAudio.Start / (double)EngineRate))
        {
            var (text, words) = _accurate.Decode(_utteranceAudio.Samples, _utteranceAudio.Start / (double)EngineRate);
            if (text.Length > 0)
            {
                result = (text, words, RecognitionPass.Accurate);
            }
        }

        SevaTelemetry.Finals.Add(1, new KeyValuePair<string, object?>("pass", result.Item3));
        return result;
    }

    private readonly record struct Chunk(short[]? Buffer, int Length, long Arrival, long Queued);
}
