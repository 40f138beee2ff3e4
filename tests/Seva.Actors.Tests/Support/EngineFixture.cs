using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Seva.Actors.Speech;
using Seva.Actors.Speech.PocketSphinx;

namespace Seva.Actors.Tests.Support;

/// <summary>One real PocketSphinx engine shared by the tests of a collection (decoders are slow to load).</summary>
public sealed class EngineFixture : IDisposable
{
    public EngineFixture()
        : this(new PocketSphinxOptions { IdleDecoders = 2, WarmDecoders = 0, DecodeWorkers = 2 })
    {
    }

    /// <summary>An engine with other settings (xUnit fixtures need the parameterless constructor).</summary>
    internal EngineFixture(PocketSphinxOptions options)
    {
        Options = Microsoft.Extensions.Options.Options.Create(options);
        Pool = new DecoderPool(Options, NullLogger<DecoderPool>.Instance);
        var metrics = new SpeechMetrics(TimeProvider.System);
        Workers = new DecodeWorkers(Options, metrics, NullLogger<DecodeWorkers>.Instance);
        Engine = new PocketSphinxEngine(Pool, Workers, Options, TimeProvider.System, metrics);
    }

    public IOptions<PocketSphinxOptions> Options { get; }

    internal DecoderPool Pool { get; }

    internal DecodeWorkers Workers { get; }

    public ISpeechEngine Engine { get; }

    public void Dispose()
    {
        Workers.Dispose();
        Pool.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class EngineCollection : ICollectionFixture<EngineFixture>
{
    public const string Name = "engine";
}

/// <summary>Collects a stream's results for assertions.</summary>
public sealed class RecordingSink : ISpeechResultSink
{
    private readonly List<RecognitionResult> _results = [];
    private readonly Lock _gate = new();

    public Exception? Error { get; private set; }

    public IReadOnlyList<RecognitionResult> Results
    {
        get
        {
            lock (_gate)
            {
                return [.. _results];
            }
        }
    }

    public IReadOnlyList<RecognitionResult> Finals => [.. Results.Where(r => !r.IsPartial)];

    public string FinalText => string.Join(' ', Finals.Select(f => f.Text));

    public void OnResult(RecognitionResult result)
    {
        lock (_gate)
        {
            _results.Add(result);
        }
    }

    public void OnError(Exception failure) => Error = failure;
}
