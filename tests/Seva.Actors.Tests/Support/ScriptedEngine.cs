using Seva.Actors.Speech;

namespace Seva.Actors.Tests.Support;

/// <summary>An engine whose streams keep what they are given and produce results and failures when a
/// test says so, as the real engine's threads would; opening can be made to fail.</summary>
public sealed class ScriptedEngine : ISpeechEngine
{
    private readonly Lock _gate = new();
    private readonly List<Stream> _streams = [];
    private int _failOpens;
    private int _openAttempts;

    public int SampleRate => 16000;

    public IReadOnlyList<Stream> Streams
    {
        get
        {
            lock (_gate)
            {
                return [.. _streams];
            }
        }
    }

    public int OpenAttempts => Volatile.Read(ref _openAttempts);

    /// <summary>The next <paramref name="count"/> streams fail to open.</summary>
    public void FailNextOpens(int count) => Volatile.Write(ref _failOpens, count);

    public SpeechEngineStatus GetStatus() => new(1, 1, 1, ModelLoaded: true);

    public Task<ISpeechStream> OpenStreamAsync(SpeechStreamOptions options, ISpeechResultSink sink, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _openAttempts);
        if (Interlocked.Decrement(ref _failOpens) >= 0)
        {
            return Task.FromException<ISpeechStream>(new SpeechEngineException("the model could not be loaded"));
        }

        Interlocked.Exchange(ref _failOpens, 0);
        var stream = new Stream(sink);
        lock (_gate)
        {
            _streams.Add(stream);
        }

        return Task.FromResult<ISpeechStream>(stream);
    }

    public sealed class Stream(ISpeechResultSink sink) : ISpeechStream
    {
        private readonly Lock _gate = new();
        private readonly List<short> _written = [];
        private bool _failed;

        public short[] Written
        {
            get
            {
                lock (_gate)
                {
                    return [.. _written];
                }
            }
        }

        public double SecondsWritten => Written.Length / 16000.0;

        public double SecondsDecoded => SecondsWritten;

        public bool Disposed { get; private set; }

        public void Write(ReadOnlySpan<short> samples, long arrivalTimestamp)
        {
            lock (_gate)
            {
                if (_failed)
                {
                    throw new SpeechEngineException("The speech engine failed earlier in this stream.");
                }

                _written.AddRange(samples);
            }
        }

        /// <summary>A final, times in seconds from the start of this stream.</summary>
        public void Final(string text, double start, double end) =>
            sink.OnResult(new RecognitionResult(Guid.NewGuid().ToString(), IsPartial: false, text, 0.9, start, end, []));

        /// <summary>The decoder crashed: the stream reports it and takes nothing more.</summary>
        public void Fail()
        {
            lock (_gate)
            {
                _failed = true;
            }

            sink.OnError(new SpeechEngineException("decoder crashed"));
        }

        public Task CompleteAsync(CancellationToken cancellationToken) =>
            _failed ? Task.FromException(new SpeechEngineException("engine is down")) : Task.CompletedTask;

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
