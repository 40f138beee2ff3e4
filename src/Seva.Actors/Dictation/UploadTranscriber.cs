using Seva.Actors.Audio;
using Seva.Actors.Audio.Mpg123;
using Seva.Actors.Contracts;
using Seva.Actors.Fanout;
using Seva.Actors.Formatting;

namespace Seva.Actors.Dictation;

/// <summary>The fallback when live capture is not possible: an uploaded WAV or MP3 is transcribed by the
/// same session logic (faster than real time) and kept like any dictation.</summary>
public sealed class UploadTranscriber(IDictationActors actors, DictationFollowers followers, TimeProvider time)
{
    /// <summary>How far the audio handed to the session may run ahead of the decoder. Enough that the decoder
    /// never waits for audio, little enough that the audio does not wait long in the engine's queue (which
    /// counts as decoding lag, and would turn live sessions away), and that progress and finals follow
    /// the decoding rather than the hand-over.</summary>
    private const double MaxBacklogSeconds = 3;

    /// <summary>How often progress is reported, and the feed topped up.</summary>
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    /// <summary>Largest upload accepted (a 30-minute 48 kHz stereo WAV is about 330 MB; MP3s are far smaller).</summary>
    public const long MaxBytes = 400L * 1024 * 1024;

    /// <summary>Reads a WAV (16-bit PCM, mono or stereo, 8-48 kHz) or an MP3 into mono PCM; throws
    /// <see cref="InvalidDataException"/> with a message for the user otherwise.</summary>
    public static WavFile Decode(ReadOnlySpan<byte> data)
    {
        WavFile audio;
        if (data.Length >= 12 && data[..4].SequenceEqual("RIFF"u8))
        {
            audio = WavFile.Read(data);
        }
        else if (data.Length >= 3 && (data[..3].SequenceEqual("ID3"u8) || (data[0] == 0xFF && (data[1] & 0xE0) == 0xE0)))
        {
            audio = Mp3Decoder.Decode(data);
        }
        else
        {
            throw new InvalidDataException("Unsupported file: upload a WAV (16-bit PCM) or an MP3 file.");
        }

        if (audio.SampleRate is < 8000 or > 48000)
        {
            throw new InvalidDataException($"Unsupported sample rate {audio.SampleRate} Hz: use 8 to 48 kHz audio.");
        }

        if (audio.Samples.Length < audio.SampleRate / 10)
        {
            throw new InvalidDataException("The file holds less than a tenth of a second of audio.");
        }

        return audio;
    }

    /// <summary>Transcribes decoded audio as a dictation of <paramref name="userId"/>. The file is stored at
    /// the nearest quality's rate (8, 16 or 48 kHz). <paramref name="progress"/> gets the share of the
    /// audio decoded (0..1) as the engine works through it; <paramref name="follower"/> gets the results
    /// as they are decoded; <paramref name="formatting"/> says how finals are written (spoken commands
    /// apply to uploads as to live dictation).</summary>
    public async Task<DictationCompleted> TranscribeAsync(string userId, WavFile audio, string? specialty, FormattingOptions? formatting, IDictationFollower? follower, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audio);
        var quality = audio.SampleRate <= 11025 ? DictationQuality.Low : audio.SampleRate <= 24000 ? DictationQuality.Medium : DictationQuality.High;
        DictationQuality.TryGetSampleRate(quality, out var rate);
        var samples = Resampler.Convert(audio.Samples, audio.SampleRate, rate);
        var duration = samples.Length / (double)rate;
        var sessionId = Guid.NewGuid().ToString();
        var session = actors.Get(sessionId);
        using var registration = followers.Register(follower ?? NoFollower.Instance);
        var reply = await session.StartAsync(new DictationStartRequest(
            new DictationStart(userId, sessionId, quality, DictationLanguages.Supported[0], specialty, [], IsStreaming: false, formatting), registration.Address, Resumable: false));
        if (reply.Error is { } refused)
        {
            throw new DictationException(refused);
        }

        registration.Open();
        var connectionId = registration.Address.ConnectionId;
        var tracker = new ProgressTracker(duration, progress);
        using var ticks = new PeriodicTimer(Tick, time);
        var chunk = rate / 4;
        var bytes = new byte[chunk * 2];
        var fed = 0;
        var state = await session.GetProgressAsync();
        while (fed < samples.Length && state.Completed is null)
        {
            while (fed < samples.Length && state.Completed is null && (fed / (double)rate) - state.SecondsDecoded < MaxBacklogSeconds)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var length = Math.Min(chunk, samples.Length - fed);
                Pcm.WriteLittleEndian(samples.AsSpan(fed, length), bytes);
                var accepted = await session.AcceptAudioAsync(new DictationAudioRequest(connectionId, bytes[..(length * 2)], WaitUntilProcessed: true));
                if (accepted.Error is { } error)
                {
                    throw new DictationException(error);
                }

                fed += length;
                state = await session.GetProgressAsync();
            }

            tracker.Report(state.SecondsDecoded);
            if (fed < samples.Length)
            {
                await ticks.WaitForNextTickAsync(cancellationToken);
                state = await session.GetProgressAsync();
                if (state is { IsActive: false, Completed: null })
                {
                    // Neither running nor finished: its host could not be reached, or it could not go on
                    // after a move. Waiting would never end; the record keeps what was decoded.
                    throw new DictationException(new DictationError(DictationErrorCodes.TranscribeServiceError, "The transcription stopped before the upload was fed: its record keeps what was decoded. Please upload again.", Recoverable: false, RetryAfter: 5));
                }
            }
        }

        // The last few seconds are decoded while the session ends; progress goes on meanwhile.
        var ending = session.EndAsync(new DictationEndRequest(connectionId));
        while (!ending.IsCompleted)
        {
            var tick = ticks.WaitForNextTickAsync(cancellationToken).AsTask();
            if (await Task.WhenAny(ending, tick) == tick)
            {
                await tick; // throws if cancelled
                tracker.Report((await session.GetProgressAsync()).SecondsDecoded);
            }
        }

        var ended = await ending;
        if (ended.Completed is not { } completed)
        {
            throw new DictationException(ended.Error ?? DictationError.InvalidState("The session ended without an outcome."));
        }

        progress?.Report(1);
        return completed;
    }

    /// <summary>Reports the share of the audio decoded, each time it moved by a percent or more.</summary>
    private sealed class ProgressTracker(double duration, IProgress<double>? progress)
    {
        private double _reported;

        public void Report(double secondsDecoded)
        {
            if (progress is null || duration <= 0)
            {
                return;
            }

            var share = Math.Clamp(secondsDecoded / duration, 0, 0.99);
            if (share - _reported >= 0.01)
            {
                _reported = share;
                progress.Report(share);
            }
        }
    }

    private sealed class NoFollower : IDictationFollower
    {
        public static NoFollower Instance { get; } = new();

        public void OnResult(DictationResult result)
        {
        }

        public void OnRetracted(IReadOnlyList<string> segmentIds)
        {
        }

        public void OnError(DictationError error)
        {
        }

        public void OnCompleted(DictationCompleted completed)
        {
        }
    }
}
