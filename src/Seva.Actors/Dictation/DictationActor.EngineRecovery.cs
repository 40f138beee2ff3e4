using Microsoft.Extensions.Logging;
using Seva.Actors.Speech;
using Seva.Actors.Telemetry;

namespace Seva.Actors.Dictation;

/// <summary>What a session does when its speech stream fails: a fresh stream, the latest audio decoded again.</summary>
public sealed partial class DictationActor
{
    /// <summary>Opens a stream whose results are shifted by <paramref name="offsetSeconds"/> (where its
    /// time 0 is in the session); results of earlier streams are ignored from now on.</summary>
    private Task<ISpeechStream> OpenStreamAsync(double offsetSeconds, CancellationToken cancellationToken)
    {
        var generation = Interlocked.Increment(ref _streamGeneration);
        return _deps.Engine.OpenStreamAsync(_streamOptions!, new StreamSink(this, generation, offsetSeconds), cancellationToken);
    }

    /// <summary>The stream failed mid-session. Until <see cref="DictationOptions.MaxEngineFailures"/> the
    /// session goes on with a fresh stream that first decodes the last <see cref="DictationOptions.EngineReplay"/>
    /// of audio again (the utterance in progress, whose partials died with the old stream); finals already
    /// sent stay, the MP3 and the record are not touched. Then it ends FAILED, keeping text and audio.</summary>
    private async Task RecoverOrFinishAsync(CancellationToken cancellationToken)
    {
        _engineFailures++;
        _deps.Breaker.RecordFailure(EngineCircuitBreaker.StreamFailure);
        if (_engineFailures >= _deps.Options.MaxEngineFailures)
        {
            await FinishAsync(new DictationError(DictationErrorCodes.TranscribeServiceError, "Transcription service error: the recording so far is kept.", Recoverable: false), cancellationToken);
            return;
        }

        _deps.Logger.LogWarning("Speech stream of session {SessionId} failed ({Failures} of {Max}); going on with a fresh stream", SessionId, _engineFailures, _deps.Options.MaxEngineFailures);
        var failed = _stream!;
        await DisposeFailedStreamAsync(failed); // first, so its decoder goes back to the pool (to be dropped)
        var offset = (_engineSamplesWritten - _recent!.Count) / (double)_deps.Engine.SampleRate;
        ISpeechStream fresh;
        try
        {
            fresh = await OpenStreamAsync(offset, cancellationToken);
        }
        catch (SpeechEngineException ex)
        {
            _deps.Breaker.RecordFailure(EngineCircuitBreaker.OpenFailure);
            _deps.Logger.LogError(ex, "No fresh speech stream for session {SessionId}", SessionId);
            Volatile.Write(ref _secondsDecodedAtClose, Volatile.Read(ref _streamOffset) + failed.SecondsDecoded);
            Volatile.Write(ref _stream, null);
            await FinishAsync(new DictationError(DictationErrorCodes.TranscribeServiceError, "Transcription service error: the recording so far is kept.", Recoverable: false), cancellationToken);
            return;
        }

        Volatile.Write(ref _streamOffset, offset);
        Volatile.Write(ref _stream, fresh);
        _engineFailure = null;
        SevaTelemetry.EngineRecoveries.Add(1);
        Publish(f => f.OnError(new DictationError(DictationErrorCodes.TranscribeServiceError, "The speech engine failed and was restarted: the last seconds are transcribed again; nothing is lost.", Recoverable: true)));
        try
        {
            _recent.ReplayInto(fresh, _deps.Time.GetTimestamp());
        }
        catch (SpeechEngineException ex)
        {
            _engineFailure ??= ex; // the caller's loop counts it
        }
    }

    private async Task DisposeFailedStreamAsync(ISpeechStream failed)
    {
        try
        {
            await failed.DisposeAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _deps.Logger.LogDebug(ex, "Closing the failed stream of session {SessionId} failed too", SessionId);
        }
    }

    /// <summary>A fresh stream decodes the replayed seconds again: what of them was already final is
    /// dropped from its finals, so no word is sent or saved twice.</summary>
    private RecognitionResult? TrimReplayed(PendingResult pending)
    {
        var result = pending.Result;
        if (!pending.Replaying || result.StartTime >= _lastFinalEnd)
        {
            return result;
        }

        // Partials, and finals without word times, are kept whole if they reach past the last final.
        if (result.IsPartial || result.Words.Count == 0)
        {
            return result.EndTime > _lastFinalEnd ? result : null;
        }

        // A word belongs to the final whose time holds most of it.
        var fresh = result.Words.Where(w => (w.StartTime + w.EndTime) / 2 >= _lastFinalEnd).ToList();
        if (fresh.Count == 0)
        {
            return null;
        }

        return result with
        {
            Text = string.Join(' ', fresh.Select(w => w.Word)),
            StartTime = fresh[0].StartTime,
            Words = fresh,
        };
    }

    /// <summary>A result, and whether its stream replays audio an earlier stream had.</summary>
    private readonly record struct PendingResult(RecognitionResult Result, bool Replaying);

    /// <summary>One stream's sink: results in session time, nothing once a newer stream took over.</summary>
    private sealed class StreamSink(DictationActor actor, int generation, double offsetSeconds) : ISpeechResultSink
    {
        private bool Current => Volatile.Read(ref actor._streamGeneration) == generation;

        public void OnResult(RecognitionResult result)
        {
            if (!Current)
            {
                return;
            }

            actor._pending.Writer.TryWrite(new PendingResult(offsetSeconds == 0 ? result : Shift(result), Replaying: generation > 1));
            actor._requestTurn(() => actor.DrainResultsAsync(CancellationToken.None));
        }

        public void OnError(Exception failure)
        {
            if (!Current)
            {
                return;
            }

            actor._engineFailure = failure;
            actor._deps.Logger.LogError(failure, "Speech engine failed in session {SessionId}", actor.SessionId);
            actor._requestTurn(() => actor.DrainResultsAsync(CancellationToken.None));
        }

        private RecognitionResult Shift(RecognitionResult result) => result with
        {
            StartTime = Math.Round(result.StartTime + offsetSeconds, 2),
            EndTime = Math.Round(result.EndTime + offsetSeconds, 2),
            Words = [.. result.Words.Select(w => w with { StartTime = w.StartTime + offsetSeconds, EndTime = w.EndTime + offsetSeconds })],
        };
    }
}
