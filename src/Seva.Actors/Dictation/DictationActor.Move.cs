using Microsoft.Extensions.Logging;
using Seva.Actors.Audio;
using Seva.Actors.Audio.Lame;
using Seva.Actors.Formatting;
using Seva.Actors.Speech;
using Seva.Actors.Storage;

namespace Seva.Actors.Dictation;

/// <summary>Moving a session between actor hosts: the decoder, the MP3 encoder and the open audio stay
/// on the host that runs the session, so a session that moves is closed here and goes on there from
/// what its record keeps, on a fresh decoder.</summary>
public sealed partial class DictationActor
{
    /// <summary>The session moves to another host (Dapr placed its actor elsewhere, or this host stops):
    /// what is queued is decoded (the utterance in flight becomes a final here), the audio object is
    /// completed, the text saved, and the record left IN_PROGRESS for the host that goes on with it
    /// (<see cref="TranscriptionStore.ReleaseAsync"/>). Nobody is told it ended, because it has not: its
    /// followers get the rest from the next host. <see cref="Completion"/> then fails with
    /// <see cref="DictationMovedException"/>. False if the session was not running (it ended meanwhile).</summary>
    public async Task<bool> SuspendAsync(CancellationToken cancellationToken)
    {
        if (_state != State.Active)
        {
            return false;
        }

        _state = State.Finishing;
        try
        {
            await CloseStreamAsync(cancellationToken);
            _engineFailure = null; // the next host starts on a fresh stream anyway
            await CloseAudioAsync(cancellationToken);
            var progress = new TranscriptProgress(_transcript.Text, _transcript.WordCount, Duration, _transcript.WordsJson());
            var releasing = _deps.Records.ReleaseAsync(_transcriptionId, progress, _audioKey, CancellationToken.None);
            try
            {
                await releasing.WaitAsync(OutcomeSaveWait, _deps.Time, cancellationToken);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                // The store goes on until the database takes it; the next host waits for the record meanwhile.
                _deps.Logger.LogWarning("The record of session {SessionId} is not released yet; it is retried until the database takes it", SessionId);
            }

            _deps.Logger.LogInformation("Dictation {SessionId} moved off this host at {Seconds:F1} s ({Words} words)", SessionId, Duration, _transcript.WordCount);
        }
        catch (Exception ex)
        {
            // The record keeps what was saved before; the next host goes on from there once it is released.
            _deps.Logger.LogError(ex, "Moving session {SessionId} off this host failed", SessionId);
        }
        finally
        {
            _state = State.Finished;
            _completion.TrySetException(new DictationMovedException(SessionId));
        }

        return true;
    }

    /// <summary>Goes on on this host with a session that ran on another (it moved, or its host crashed
    /// within the record's lease): the record is claimed, its text and words become the transcript so far,
    /// a fresh stream decodes from where the record's audio ends, and the audio object is continued.
    /// <paramref name="receivedBytes"/> is what the actor state saved: after a crash the record may be a
    /// little behind it (or ahead: finals saved after the state), and the later of the two is taken.</summary>
    public async Task<DictationStarted> ContinueAsync(DictationStart start, Guid transcriptionId, long receivedBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (_state != State.Created)
        {
            throw new DictationException(DictationError.InvalidState("The session has already started."));
        }

        if (!DictationQuality.TryGetSampleRate(start.Quality, out _sampleRate))
        {
            throw new DictationException(DictationError.InvalidField("quality", $"'{start.Quality}' is not a quality: use low, medium or high."));
        }

        _streamOptions = new SpeechStreamOptions(start.Language, [.. start.Vocabulary.Select(VocabularyEntry.Parse)]);
        var claim = await _deps.Records.ClaimAsync(transcriptionId, cancellationToken);
        if (claim.RetryAfter is { } wait)
        {
            // The host it ran on still holds the record: it is moving it off (a moment), or it crashed and
            // its lease has to run out first. Nothing is lost by waiting; the caller tries again.
            throw new DictationException(new DictationError(DictationErrorCodes.TranscribeServiceError, $"Session {SessionId} is moving between hosts: try again in a moment.", Recoverable: true, RetryAfter: (int)Math.Clamp(Math.Ceiling(wait.TotalSeconds), 1, 60)));
        }

        var record = claim.Record
            ?? throw new DictationException(new DictationError(DictationErrorCodes.TranscribeServiceError, $"Session {SessionId} cannot go on: its record was closed meanwhile, keeping what was saved. Start a new session.", Recoverable: false));

        _transcriptionId = record.Id;
        _userId = record.UserId;
        var words = DictatedTranscript.ParseWords(record.Words);
        _transcript = DictatedTranscript.Restore(start.Formatting ?? FormattingOptions.Dictation, record.TranscriptText, words);
        _lastFinalEnd = words.Count == 0 ? 0 : words.Max(w => w.End);
        _samplesReceived = Math.Max(receivedBytes / 2, (long)Math.Round(record.AudioDurationSeconds * _sampleRate));
        var offset = Math.Max(Pcm.Seconds(_samplesReceived, _sampleRate), _lastFinalEnd);
        try
        {
            _stream = await _deps.Breaker.OpenAsync(() => OpenStreamAsync(offset, cancellationToken));
            Volatile.Write(ref _streamOffset, offset);
            _engineSamplesWritten = (long)Math.Round(offset * _deps.Engine.SampleRate);
            await ContinueAudioAsync(record, afterCrash: !claim.WasReleased, cancellationToken);
        }
        catch (Exception ex)
        {
            // Not going on here after all: the record is handed back as it was, for this host or another
            // to try again (claimed, it would be renewed by this host for ever).
            _deps.Logger.LogError(ex, "Session {SessionId} could not go on on this host", SessionId);
            await AbandonContinuationAsync(record);
            throw ex is EngineBreakerOpenException or SpeechEngineException
                ? new DictationException(new DictationError(DictationErrorCodes.TranscribeServiceError, "Transcription service unavailable: the session waits, with what it has, for the engine. Please try again.", Recoverable: true, RetryAfter: 5))
                : ex;
        }

        _resampler = new Resampler(_sampleRate, _deps.Engine.SampleRate);
        _recent = new RecentAudio((int)(_deps.Options.EngineReplay.TotalSeconds * _deps.Engine.SampleRate));
        _encoder = new Mp3Encoder(_sampleRate, Mp3Encoder.BitrateFor(_sampleRate));
        _maxSamples = (long)(_deps.Options.MaxRecording.TotalSeconds * _sampleRate);
        _state = State.Active;
        Touch();
        _deps.Logger.LogInformation("Dictation {SessionId} goes on on this host at {Seconds:F1} s ({Words} words so far)", SessionId, offset, _transcript.WordCount);
        return new DictationStarted(SessionId, _transcriptionId.ToString(), _transcriptionId, _sampleRate, Resumed: true, ReceivedBytes: _samplesReceived * 2);
    }

    private async Task AbandonContinuationAsync(TranscriptionRecord record)
    {
        if (_stream is { } stream)
        {
            _stream = null;
            await DisposeFailedStreamAsync(stream);
        }

        var audio = _audio;
        _audio = null;
        await DisposeQuietlyAsync(audio);
        try
        {
            await _deps.Records.ReleaseAsync(record.Id, new TranscriptProgress(record.TranscriptText, record.WordCount, record.AudioDurationSeconds, record.Words), record.AudioKey, CancellationToken.None).WaitAsync(OutcomeSaveWait, _deps.Time);
        }
        catch (Exception ex)
        {
            _deps.Logger.LogWarning(ex, "Could not hand back the record of session {SessionId} yet", SessionId);
        }

        _state = State.Finished;
        _completion.TrySetException(new DictationMovedException(SessionId));
    }

    /// <summary>Writes on at the end of the session's audio object; when it cannot be continued (after a
    /// crash the other host's upload may still be completed from its spool when it starts again), the rest
    /// goes to a new object, which the record names from then on.</summary>
    private async Task ContinueAudioAsync(TranscriptionRecord record, bool afterCrash, CancellationToken cancellationToken)
    {
        if (record.AudioKey is { } key)
        {
            try
            {
                _audio = await _deps.Audio.ContinueAsync(key, afterCrash, cancellationToken);
                if (_audio is not null)
                {
                    _audioKey = key;
                    return;
                }
            }
            catch (AudioStoreException ex)
            {
                ReportAudioFailure(ex);
                _audioKey = key; // what was stored before stays named
                return;
            }

            _deps.Logger.LogWarning("The audio of session {SessionId} could not be continued ({AudioKey} is not stored): the rest goes to a new object", SessionId, key);
        }

        await OpenAudioAsync(AudioKey.Continuation(_deps.Audio.KeyPrefix, _userId, _deps.Time.GetUtcNow().UtcDateTime, _transcriptionId), cancellationToken);
        if (_audioKey is not null)
        {
            try
            {
                await _deps.Records.SaveAudioKeyAsync(_transcriptionId, _audioKey, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The outcome names the key when the session ends; only a crash before then loses the link.
                _deps.Logger.LogWarning(ex, "Could not save the new audio key of session {SessionId} yet", SessionId);
            }
        }
    }
}

/// <summary>The session moved to another actor host: it did not end, so it has no outcome here.</summary>
public sealed class DictationMovedException : Exception
{
    public DictationMovedException(string sessionId)
        : base($"Session {sessionId} moved to another host.")
    {
    }

    public DictationMovedException()
    {
    }

    public DictationMovedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
