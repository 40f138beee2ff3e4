using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Seva.Actors.Telemetry;

namespace Seva.Actors.Speech.PocketSphinx;

/// <summary>Decodes a finished utterance again, as a whole, for its final.</summary>
/// <remarks>The live pass must normalise each frame with a running cepstral mean that starts from the
/// model's average, so a session's first words, a new voice or microphone are decoded against the
/// wrong mean; it also uses fast settings. Given the whole utterance at once, the library normalises
/// with the utterance's own mean (as <c>pocketsphinx_batch</c> does): measured on short dictations,
/// that roughly halves the word errors of the live pass and beats <c>pocketsphinx_continuous</c>'s
/// defaults. It costs one more decode of the utterance when the speaker stops, so in
/// <see cref="AccurateFinalsMode.Auto"/> it runs only while the workers keep up.
/// One instance per decode worker thread, used only by it: not thread-safe.</remarks>
internal sealed class AccurateFinalPass : IDisposable
{
    private readonly PocketSphinxDecoder _decoder;
    private readonly PocketSphinxOptions _options;
    private readonly SpeechMetrics _metrics;
    private readonly Func<int> _streamsWaiting;
    private readonly Func<double> _workersBusy;

    private AccurateFinalPass(PocketSphinxDecoder decoder, PocketSphinxOptions options, SpeechMetrics metrics, Func<int> streamsWaiting, Func<double> workersBusy)
    {
        _workersBusy = workersBusy;
        _decoder = decoder;
        _options = options;
        _metrics = metrics;
        _streamsWaiting = streamsWaiting;
    }

    /// <summary>Loads the accurate decoder, or returns null when accurate finals are off or it cannot load
    /// (finals then come from the live pass, as before).</summary>
    /// <param name="streamsWaiting">How many streams wait for a decode worker now.</param>
    /// <param name="workersBusy">The workers' busy share lately (0..1).</param>
    public static AccurateFinalPass? TryCreate(IOptions<PocketSphinxOptions> options, SpeechMetrics metrics, Func<int> streamsWaiting, Func<double> workersBusy, ILogger logger)
    {
        if (options.Value.AccurateFinals == AccurateFinalsMode.Never)
        {
            return null;
        }

        try
        {
            return new AccurateFinalPass(PocketSphinxDecoder.Load(options.Value.ToFinalPassArguments()), options.Value, metrics, streamsWaiting, workersBusy);
        }
        catch (SpeechEngineException ex)
        {
            logger.LogError(ex, "The accurate final pass could not load its decoder; finals come from the live pass");
            return null;
        }
    }

    /// <summary>Whether this utterance's final should be decoded again now, given how many seconds of
    /// the session were decoded before it.</summary>
    public bool ShouldRun(bool sessionWords, double sessionSecondsBefore) =>
        Wanted(_options, sessionWords, sessionSecondsBefore, _streamsWaiting(), _workersBusy(), _metrics.RecentDelay);

    /// <summary>The rule: never with session words (they live in the session's own decoder only);
    /// always in <see cref="AccurateFinalsMode.Always"/>; in <see cref="AccurateFinalsMode.Auto"/>, for
    /// a session's first seconds and only with headroom, because a second pass holds its worker for a
    /// few hundred milliseconds: not while more than one stream waits for a worker, the workers were busy, or audio
    /// lately waited long.</summary>
    internal static bool Wanted(PocketSphinxOptions options, bool sessionWords, double sessionSecondsBefore, int streamsWaiting, double workersBusy, TimeSpan recentDelay) =>
        !sessionWords && options.AccurateFinals switch
        {
            AccurateFinalsMode.Always => true,
            AccurateFinalsMode.Auto => sessionSecondsBefore < options.AccurateFinalsFirstSeconds
                && streamsWaiting <= 1
                && workersBusy < options.AccurateFinalsMaxBusy
                && recentDelay.TotalMilliseconds < options.AccurateFinalsMaxDelayMilliseconds,
            _ => false,
        };

    /// <summary>Decodes <paramref name="audio"/> (16 kHz) as one utterance; word times are seconds from
    /// <paramref name="startSeconds"/>, the stream time of the first sample.</summary>
    public (string Text, List<RecognizedWord> Words) Decode(ReadOnlySpan<short> audio, double startSeconds)
    {
        var started = TimeProvider.System.GetTimestamp();
        _decoder.StartStream();
        _decoder.StartUtterance();
        _decoder.ProcessWhole(audio);
        _decoder.EndUtterance();
        var words = new List<RecognizedWord>();
        foreach (var (word, startFrame, endFrame, probability) in _decoder.Segments())
        {
            var clean = HypothesisText.CleanWord(word);
            if (clean.Length > 0)
            {
                words.Add(new RecognizedWord(clean, startSeconds + (startFrame / 100.0), startSeconds + ((endFrame + 1) / 100.0), probability));
            }
        }

        SevaTelemetry.FinalPassDuration.Record(TimeProvider.System.GetElapsedTime(started).TotalSeconds);
        return (HypothesisText.Clean(_decoder.Hypothesis()), words);
    }

    public void Dispose() => _decoder.Dispose();
}
