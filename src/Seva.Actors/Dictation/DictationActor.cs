using System.Buffers;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Seva.Actors.Audio;
using Seva.Actors.Audio.Lame;
using Seva.Actors.Formatting;
using Seva.Actors.Speech;
using Seva.Actors.Storage;
using Seva.Actors.Telemetry;

namespace Seva.Actors.Dictation;

/// <summary>The logic of one dictation session, written once for any actor host.</summary>
/// <remarks>Not thread-safe by design: the host runs one call at a time (turn-based). The engine calls
/// each stream's <see cref="ISpeechResultSink"/> from its own threads; those calls only queue the result
/// and ask the host for a turn (<c>requestTurn</c>), in which <see cref="DrainResultsAsync"/> applies them.</remarks>
public sealed partial class DictationActor : IAsyncDisposable
{
    /// <summary>How much audio may wait in buffers before it is handed to storage: with LAME's own
    /// lookahead (about 0.1 s) a crash loses less than a second.</summary>
    private static readonly TimeSpan AudioFlushInterval = TimeSpan.FromSeconds(0.5);

    /// <summary>How long ending a session waits for its record to be saved before it completes anyway.</summary>
    private static readonly TimeSpan OutcomeSaveWait = TimeSpan.FromSeconds(2);

    private readonly DictationDependencies _deps;
    private readonly Action<Func<Task>> _requestTurn;
    private readonly Channel<PendingResult> _pending = Channel.CreateUnbounded<PendingResult>();
    private readonly List<IDictationFollower> _followers = [];
    private readonly Lock _followersGate = new();
    private readonly TaskCompletionSource<DictationCompleted> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private State _state = State.Created;
    private Guid _transcriptionId;
    private string _userId = string.Empty;
    private int _sampleRate;
    private long _maxSamples;
    private long _samplesReceived;
    private DictatedTranscript _transcript = new(FormattingOptions.Dictation);
    private string? _partial;
    private ISpeechStream? _stream;
    private double _secondsDecodedAtClose;
    private Resampler? _resampler;
    private Mp3Encoder? _encoder;
    private IAudioWriter? _audio;
    private string? _audioKey;
    private string? _audioError;
    private long _samplesSinceAudioFlush;
    private volatile Exception? _engineFailure;
    private SpeechStreamOptions? _streamOptions;
    private RecentAudio? _recent;
    private int _engineFailures;
    private int _streamGeneration;
    private long _engineSamplesWritten;
    private double _streamOffset;
    private double _lastFinalEnd;
    private long _lastActivityTimestamp;

    public DictationActor(string sessionId, DictationDependencies deps, Action<Func<Task>> requestTurn)
    {
        SessionId = sessionId;
        _deps = deps;
        _requestTurn = requestTurn;
        _lastActivityTimestamp = deps.Time.GetTimestamp();
    }

    private enum State
    {
        Created,
        Active,
        Finishing,
        Finished,
    }

    public string SessionId { get; }

    public Guid TranscriptionId => _transcriptionId;

    /// <summary>Completes when the session is finalised, whatever ended it.</summary>
    public Task<DictationCompleted> Completion => _completion.Task;

    /// <summary>Time since the last audio (or the start); read by the idle sweeper outside turns.</summary>
    public TimeSpan IdleFor => _deps.Time.GetElapsedTime(Interlocked.Read(ref _lastActivityTimestamp));

    public bool IsActive => _state == State.Active;

    /// <summary>The session's audio rate, once started.</summary>
    public int SampleRate => _sampleRate;

    /// <summary>Seconds of the session's audio the engine has decoded; read outside turns (an upload's
    /// progress follows it).</summary>
    public double SecondsDecoded => Volatile.Read(ref _stream) is { } stream
        ? Volatile.Read(ref _streamOffset) + stream.SecondsDecoded
        : Volatile.Read(ref _secondsDecodedAtClose);

    public IDisposable Follow(IDictationFollower follower)
    {
        lock (_followersGate)
        {
            _followers.Add(follower);
        }

        return new Unfollow(this, follower);
    }

    public async Task<DictationStarted> StartAsync(DictationStart start, CancellationToken cancellationToken)
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

        if (!DictationLanguages.IsSupported(start.Language))
        {
            throw new DictationException(DictationError.InvalidField("language", $"'{start.Language}' is not installed: supported languages are {string.Join(", ", DictationLanguages.Supported)}."));
        }

        var vocabulary = start.Vocabulary.Select(VocabularyEntry.Parse).ToList();
        _streamOptions = new SpeechStreamOptions(start.Language, vocabulary);
        try
        {
            _stream = await _deps.Breaker.OpenAsync(() => OpenStreamAsync(offsetSeconds: 0, cancellationToken));
        }
        catch (EngineBreakerOpenException ex)
        {
            throw new DictationException(new DictationError(DictationErrorCodes.TranscribeServiceError, "The speech engine failed repeatedly: new sessions are refused for a while. Please try again.", Recoverable: false, ex.RetryAfterSeconds));
        }
        catch (VocabularyException ex)
        {
            throw new DictationException(DictationError.InvalidField($"vocabulary[{ex.Index}]", ex.Message));
        }
        catch (SpeechEngineException ex)
        {
            _deps.Logger.LogError(ex, "Speech engine failed to open a stream for session {SessionId}", SessionId);
            throw new DictationException(new DictationError(DictationErrorCodes.TranscribeServiceError, "Transcription service unavailable. Please try again.", Recoverable: false, RetryAfter: 5));
        }

        var now = _deps.Time.GetUtcNow().UtcDateTime;
        _userId = start.UserId;
        _transcriptionId = Guid.CreateVersion7();
        _transcript = new DictatedTranscript(start.Formatting ?? FormattingOptions.Dictation);

        // The audio object exists before the record, so the record names it from the first byte and a crash
        // leaves the audio attached to its (then FAILED) record.
        await OpenAudioAsync(AudioKey.Create(_deps.Audio.KeyPrefix, start.UserId, now, _transcriptionId), cancellationToken);
        var record = new TranscriptionRecord
        {
            Id = _transcriptionId,
            UserId = start.UserId,
            SessionId = SessionId,
            Quality = start.Quality,
            Language = start.Language,
            Specialty = start.Specialty,
            SampleRate = _sampleRate,
            IsStreaming = start.IsStreaming,
            AudioKey = _audioKey,
        };
        try
        {
            await _deps.Records.CreateAsync(record, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _deps.Logger.LogError(ex, "Could not create the record of session {SessionId}", SessionId);
            await _stream.DisposeAsync();
            await DiscardAudioAsync();
            throw new DictationException(new DictationError(DictationErrorCodes.DatabaseError, "Could not create the transcription record. Please try again.", Recoverable: false, RetryAfter: 5));
        }

        _resampler = new Resampler(_sampleRate, _deps.Engine.SampleRate);
        _recent = new RecentAudio((int)(_deps.Options.EngineReplay.TotalSeconds * _deps.Engine.SampleRate));
        _encoder = new Mp3Encoder(_sampleRate, Mp3Encoder.BitrateFor(_sampleRate));
        _maxSamples = (long)(_deps.Options.MaxRecording.TotalSeconds * _sampleRate);
        _state = State.Active;
        Touch();
        _deps.Logger.LogInformation("Dictation {SessionId} started for {UserId} at {SampleRate} Hz", SessionId, start.UserId, _sampleRate);
        return new DictationStarted(SessionId, _transcriptionId.ToString(), _transcriptionId, _sampleRate);
    }

    /// <summary>Takes one chunk of 16-bit LE PCM at the session's rate; <paramref name="arrivalTimestamp"/>
    /// (<see cref="TimeProvider.GetTimestamp"/>) is when it reached the server.</summary>
    public async Task AcceptAudioAsync(ReadOnlyMemory<byte> pcm, long arrivalTimestamp, CancellationToken cancellationToken)
    {
        if (_state != State.Active)
        {
            throw new DictationException(DictationError.InvalidState(_state == State.Created
                ? "Audio before session_start: start the session first."
                : "Audio after session_end: the session is finishing or finished."));
        }

        Touch();
        var samples = pcm.Length / 2;
        var room = _maxSamples - _samplesReceived;
        var accepted = (int)Math.Min(samples, room);
        if (accepted > 0)
        {
            await ConsumeAsync(pcm[..(accepted * 2)], arrivalTimestamp, cancellationToken);
        }

        if (accepted < samples)
        {
            var minutes = _deps.Options.MaxRecording.TotalMinutes;
            await FinishAsync(new DictationError(DictationErrorCodes.BufferOverflow, $"Maximum recording duration reached ({minutes:0.#} minutes).", Recoverable: false), cancellationToken);
        }
    }

    /// <summary>The client ended the session: decode what is left, keep everything, report completion.</summary>
    public Task<DictationCompleted> EndAsync(CancellationToken cancellationToken) => FinishAsync(null, cancellationToken);

    /// <summary>No audio for the idle timeout.</summary>
    public Task<DictationCompleted> TimeOutAsync(CancellationToken cancellationToken)
    {
        var minutes = _deps.Options.IdleTimeout.TotalMinutes;
        return FinishAsync(new DictationError(DictationErrorCodes.SessionTimeout, $"Session closed after {minutes:0.#} minutes without audio.", Recoverable: false), cancellationToken);
    }

    /// <summary>The client went away without ending: keep what was received, mark the record FAILED.</summary>
    public Task<DictationCompleted> AbandonAsync(CancellationToken cancellationToken) =>
        FinishAsync(new DictationError(DictationErrorCodes.WebSocketConnectionFailed, "The connection closed before session_end.", Recoverable: false), cancellationToken);

    /// <summary>Applies results the engine queued (partials go out; finals are appended and saved).</summary>
    public async Task DrainResultsAsync(CancellationToken cancellationToken)
    {
        while (_pending.Reader.TryRead(out var pending))
        {
            if (TrimReplayed(pending) is not { } result)
            {
                continue;
            }

            if (result.IsPartial)
            {
                // Partials stay raw while they change: formatting applies to what is final.
                _partial = result.Text;
                var partial = new DictationResult(result.SegmentId, IsPartial: true, result.Text, result.Confidence, result.StartTime, result.EndTime);
                Publish(f => f.OnResult(partial));
                continue;
            }

            _partial = null;
            _lastFinalEnd = Math.Max(_lastFinalEnd, result.EndTime);
            var (final, removed) = _transcript.Add(result);
            if (removed.Count > 0)
            {
                Publish(f => f.OnRetracted(removed));
            }

            if (final is not null)
            {
                var piece = new DictationResult(result.SegmentId, IsPartial: false, final.Text, result.Confidence, result.StartTime, result.EndTime, final.RawText, final.Separator, final.Words);
                Publish(f => f.OnResult(piece));
            }

            // Saved in the background (the store writes in order), so audio is not held up behind the database.
            _ = ReportIfSaveFailsAsync(_deps.Records.SaveProgressAsync(_transcriptionId, new TranscriptProgress(_transcript.Text, _transcript.WordCount, Duration, _transcript.WordsJson()), CancellationToken.None));
        }

        // Each pass counts a failure, so this ends: recovered, or finished after MaxEngineFailures.
        while (_engineFailure is not null && _state == State.Active)
        {
            await RecoverOrFinishAsync(cancellationToken);
        }
    }

    private async Task ReportIfSaveFailsAsync(Task save)
    {
        try
        {
            await save;
        }
        catch (Exception ex)
        {
            // The whole text is written again with the next final and at the end, so nothing is lost.
            _deps.Logger.LogError(ex, "Could not save progress of session {SessionId}", SessionId);
            _requestTurn(() =>
            {
                Publish(f => f.OnError(new DictationError(DictationErrorCodes.DatabaseError, "Could not save the transcript yet; it is kept and saved again.", Recoverable: true)));
                return Task.CompletedTask;
            });
        }
    }

    /// <summary>Called by the host in a turn when it drops the actor: a session still running is
    /// finalised as abandoned, so nothing received is lost.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_state == State.Active)
        {
            await AbandonAsync(CancellationToken.None);
        }

        _encoder?.Dispose();
        _encoder = null;
    }

    /// <summary>Tells followers about an error of one message (the session goes on).</summary>
    public void Report(DictationError error) => Publish(f => f.OnError(error));

    private double Duration => _sampleRate == 0 ? 0 : Pcm.Seconds(_samplesReceived, _sampleRate);

    private async Task ConsumeAsync(ReadOnlyMemory<byte> pcmBytes, long arrivalTimestamp, CancellationToken cancellationToken)
    {
        var count = pcmBytes.Length / 2;
        var samples = ArrayPool<short>.Shared.Rent(count);
        var resampled = ArrayPool<short>.Shared.Rent(_resampler!.MaxOutput(count));
        var mp3 = _audio is null ? null : ArrayPool<byte>.Shared.Rent(Mp3Encoder.MaxOutputBytes(count));
        try
        {
            Pcm.ReadLittleEndian(pcmBytes.Span, samples.AsSpan(0, count));
            _samplesReceived += count;
            var n = _resampler.Process(samples.AsSpan(0, count), resampled);
            _recent!.Append(resampled.AsSpan(0, n));
            _engineSamplesWritten += n;
            try
            {
                _stream!.Write(resampled.AsSpan(0, n), arrivalTimestamp);
            }
            catch (SpeechEngineException ex)
            {
                _engineFailure ??= ex;
            }

            if (mp3 is not null && _audio is not null)
            {
                var bytes = _encoder!.Encode(samples.AsSpan(0, count), mp3);
                await WriteAudioAsync(mp3.AsMemory(0, bytes), cancellationToken);
                _samplesSinceAudioFlush += count;
                if (_audio is not null && _samplesSinceAudioFlush >= _sampleRate * AudioFlushInterval.TotalSeconds)
                {
                    await FlushAudioAsync(cancellationToken);
                }
            }
        }
        finally
        {
            ArrayPool<short>.Shared.Return(samples);
            ArrayPool<short>.Shared.Return(resampled);
            if (mp3 is not null)
            {
                ArrayPool<byte>.Shared.Return(mp3);
            }
        }

        if (_engineFailure is not null)
        {
            await DrainResultsAsync(cancellationToken);
        }
    }

    private async Task WriteAudioAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        if (_audio is null || bytes.IsEmpty)
        {
            return;
        }

        try
        {
            await _audio.WriteAsync(bytes, cancellationToken);
        }
        catch (AudioStoreException ex)
        {
            await DisableAudioAsync(ex);
        }
    }

    private async Task OpenAudioAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            _audio = await _deps.Audio.CreateAsync(key, cancellationToken);
            _audioKey = key;
        }
        catch (AudioStoreException ex)
        {
            ReportAudioFailure(ex);
        }
    }

    /// <summary>Hands what was written to storage, so a crash loses at most <see cref="AudioFlushInterval"/>
    /// (plus the few frames LAME holds to encode the next one), with files as with S3's local spool (see
    /// <see cref="IAudioWriter.FlushAsync"/>).</summary>
    private async Task FlushAudioAsync(CancellationToken cancellationToken)
    {
        _samplesSinceAudioFlush = 0;
        try
        {
            await _audio!.FlushAsync(cancellationToken);
        }
        catch (AudioStoreException ex)
        {
            await DisableAudioAsync(ex);
        }
    }

    /// <summary>Audio storage failed (a full disk): the session goes on without it, reported once.</summary>
    private async Task DisableAudioAsync(AudioStoreException ex)
    {
        ReportAudioFailure(ex);
        var audio = _audio;
        _audio = null; // cleared first: a writer that failed is never used again
        await DisposeQuietlyAsync(audio);
    }

    /// <summary>The record could not be created: the session never existed, so neither does its audio.</summary>
    private async Task DiscardAudioAsync()
    {
        var audio = _audio;
        _audio = null;
        await DisposeQuietlyAsync(audio);
        if (_audioKey is not null)
        {
            try
            {
                await _deps.Audio.DeleteAsync(_audioKey, CancellationToken.None);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or AudioStoreException)
            {
                _deps.Logger.LogWarning(ex, "Could not delete the audio {AudioKey} of a session that did not start", _audioKey);
            }
        }
    }

    private async Task DisposeQuietlyAsync(IAudioWriter? audio)
    {
        if (audio is null)
        {
            return;
        }

        try
        {
            await audio.DisposeAsync();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException or AudioStoreException)
        {
            // Disposing writes out what the writer still buffers, which fails as the write did (the disk is
            // still full). That tail is lost with the rest of the audio; the session must not be.
            _deps.Logger.LogDebug(ex, "Closing the failed audio of session {SessionId} failed too", SessionId);
        }

        if (!audio.Exists)
        {
            // Nothing of the recording was kept (an upload that could not be completed): the record names no
            // audio, as when the writer could not be created, rather than a key with no object.
            _audioKey = null;
        }
    }

    private void ReportAudioFailure(AudioStoreException ex)
    {
        // Transcription goes on without storage; the record says the audio is incomplete.
        _deps.Logger.LogError(ex, "Saving audio failed for session {SessionId}", SessionId);
        _audioError = DictationErrorCodes.S3UploadFailed;
        Publish(f => f.OnError(new DictationError(DictationErrorCodes.S3UploadFailed, "Failed to save audio file. Transcription continues.", Recoverable: true)));
    }

    private async Task<DictationCompleted> FinishAsync(DictationError? reason, CancellationToken cancellationToken)
    {
        if (_state is State.Finishing or State.Finished)
        {
            return await _completion.Task;
        }

        if (_state == State.Created)
        {
            throw new DictationException(DictationError.InvalidState("session_end before session_start."));
        }

        _state = State.Finishing;
        try
        {
            return await FinishCoreAsync(reason, cancellationToken);
        }
        catch (Exception ex)
        {
            // Never left Finishing: a later end, timeout or shutdown would wait for a completion that never comes.
            _deps.Logger.LogError(ex, "Finishing session {SessionId} failed", SessionId);
            _state = State.Finished;
            _completion.TrySetException(ex);
            throw;
        }
    }

    private async Task<DictationCompleted> FinishCoreAsync(DictationError? reason, CancellationToken cancellationToken)
    {
        using var activity = SevaTelemetry.ActivitySource.StartActivity("dictation.finish");
        activity?.SetTag("seva.session_id", SessionId);
        activity?.SetTag("seva.reason", reason?.Code ?? "session_end");
        if (reason is not null)
        {
            Publish(f => f.OnError(reason));
        }

        var errorCode = reason?.Code;
        var failed = reason?.Code is DictationErrorCodes.TranscribeServiceError or DictationErrorCodes.WebSocketConnectionFailed;
        await CloseStreamAsync(cancellationToken);
        if (_engineFailure is not null && errorCode is null)
        {
            errorCode = DictationErrorCodes.TranscribeServiceError;
            failed = true;
            Publish(f => f.OnError(new DictationError(errorCode, "Transcription service error: the recording so far is kept.", Recoverable: false)));
        }

        await CloseAudioAsync(cancellationToken);
        errorCode ??= _audioError;
        var outcome = new TranscriptionOutcome(_transcript.Text, _partial, _transcript.WordCount, Math.Round(Duration, 3), _audioKey, errorCode, _transcript.WordsJson());
        var status = failed ? TranscriptionStatus.Failed : TranscriptionStatus.Completed;
        await SaveOutcomeAsync(status, outcome, cancellationToken);

        var completed = new DictationCompleted(SessionId, _transcriptionId, _audioKey, outcome.DurationSeconds, outcome.WordCount, status, errorCode);
        _state = State.Finished;
        activity?.SetTag("seva.status", status);
        activity?.SetTag("seva.audio_seconds", outcome.DurationSeconds);
        _deps.Logger.LogInformation("Dictation {SessionId} finished {Status} ({Seconds:F1} s, {Words} words)", SessionId, status, outcome.DurationSeconds, outcome.WordCount);
        Publish(f => f.OnCompleted(completed));
        _completion.TrySetResult(completed);
        return completed;
    }

    private async Task CloseStreamAsync(CancellationToken cancellationToken)
    {
        if (_stream is null)
        {
            return;
        }

        try
        {
            if (_engineFailure is null)
            {
                await CompleteAsync(_stream, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _engineFailure ??= ex;
        }
        finally
        {
            await _stream.DisposeAsync();
            Volatile.Write(ref _secondsDecodedAtClose, Volatile.Read(ref _streamOffset) + _stream.SecondsDecoded);
            Volatile.Write(ref _stream, null);
        }

        // Finals the engine produced while the stream completed are applied before the record closes.
        var failure = _engineFailure;
        _engineFailure = null; // the caller reports it once
        await DrainResultsAsync(cancellationToken);
        _engineFailure = failure;
    }

    /// <summary>Waits for the engine to decode what is queued. This turn holds the mailbox meanwhile, so
    /// the turns finals ask for would wait behind it: they are applied here, as they come. (An upload
    /// ends with a queue of audio; its finals should not all appear at once when the queue is done.)</summary>
    private async Task CompleteAsync(ISpeechStream stream, CancellationToken cancellationToken)
    {
        var completing = stream.CompleteAsync(cancellationToken);
        while (!completing.IsCompleted)
        {
            await Task.WhenAny(completing, _pending.Reader.WaitToReadAsync(cancellationToken).AsTask());
            await DrainResultsAsync(cancellationToken);
        }

        await completing;
    }

    private async Task CloseAudioAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_encoder is not null && _audio is not null)
            {
                var tail = ArrayPool<byte>.Shared.Rent(Mp3Encoder.MaxOutputBytes(0));
                try
                {
                    var n = _encoder.Flush(tail);
                    await WriteAudioAsync(tail.AsMemory(0, n), cancellationToken);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(tail);
                }
            }

            if (_audio is not null)
            {
                await _audio.CompleteAsync(cancellationToken);
            }
        }
        catch (AudioStoreException ex)
        {
            ReportAudioFailure(ex);
        }
        finally
        {
            // Also when cancelled: an unfinished writer keeps what it can as it is disposed (an S3 upload
            // is completed or aborted), so no session leaves an upload open.
            var audio = _audio;
            _audio = null;
            await DisposeQuietlyAsync(audio);
            _encoder?.Dispose();
            _encoder = null;
        }
    }

    /// <summary>Saves the outcome; the store retries with backoff until the database takes it. The session
    /// waits only <see cref="OutcomeSaveWait"/>: it completes (client told, slot freed) even while the
    /// database is down, and the record is written when the database is back.</summary>
    private async Task SaveOutcomeAsync(string status, TranscriptionOutcome outcome, CancellationToken cancellationToken)
    {
        var saving = _deps.Records.FinishAsync(_transcriptionId, status, outcome, CancellationToken.None);
        try
        {
            await saving.WaitAsync(OutcomeSaveWait, _deps.Time, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            _deps.Logger.LogWarning("The outcome of session {SessionId} is not saved yet; it is retried until the database takes it", SessionId);
            Publish(f => f.OnError(new DictationError(DictationErrorCodes.DatabaseError, "The database is unavailable: the transcription is kept and saved as soon as it is back.", Recoverable: true)));
        }
        catch (Exception ex)
        {
            _deps.Logger.LogError(ex, "Saving the outcome of session {SessionId} failed", SessionId);
            Publish(f => f.OnError(new DictationError(DictationErrorCodes.DatabaseError, "Could not save the finished transcription record.", Recoverable: false)));
        }
    }

    private void Touch() => Interlocked.Exchange(ref _lastActivityTimestamp, _deps.Time.GetTimestamp());

    private void Publish(Action<IDictationFollower> deliver)
    {
        IDictationFollower[] followers;
        lock (_followersGate)
        {
            followers = [.. _followers];
        }

        foreach (var follower in followers)
        {
            try
            {
                deliver(follower);
            }
            catch (Exception ex)
            {
                _deps.Logger.LogWarning(ex, "A follower of session {SessionId} failed", SessionId);
            }
        }
    }

    private sealed class Unfollow(DictationActor actor, IDictationFollower follower) : IDisposable
    {
        public void Dispose()
        {
            lock (actor._followersGate)
            {
                actor._followers.Remove(follower);
            }
        }
    }
}

/// <summary>The services a dictation session uses, grouped so hosts can hand them over in one piece.</summary>
public sealed record DictationDependencies(
    ISpeechEngine Engine,
    EngineCircuitBreaker Breaker,
    TranscriptionStore Records,
    IAudioStore Audio,
    DictationOptions Options,
    TimeProvider Time,
    ILogger Logger);

/// <summary>Languages the installed model can transcribe.</summary>
public static class DictationLanguages
{
    public static IReadOnlyList<string> Supported { get; } = ["en-US"];

    public static bool IsSupported(string language) =>
        Supported.Contains(language, StringComparer.OrdinalIgnoreCase) || string.Equals(language, "en", StringComparison.OrdinalIgnoreCase);
}
