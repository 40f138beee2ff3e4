using Seva.Actors.Audio;
using Seva.Actors.Audio.Mpg123;

namespace Seva.Actors.Dictation;

/// <summary>The fallback when live capture is not possible: an uploaded WAV or MP3 is transcribed by the
/// same session logic (faster than real time) and kept like any dictation.</summary>
public sealed class UploadTranscriber(DictationSessions sessions)
{
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
    /// the nearest quality's rate (8, 16 or 48 kHz). <paramref name="progress"/> gets 0..1 as the
    /// engine works through the audio.</summary>
    public async Task<DictationCompleted> TranscribeAsync(string userId, WavFile audio, string? specialty, IDictationFollower? follower, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audio);
        var quality = audio.SampleRate <= 11025 ? DictationQuality.Low : audio.SampleRate <= 24000 ? DictationQuality.Medium : DictationQuality.High;
        DictationQuality.TryGetSampleRate(quality, out var rate);
        var samples = Resampler.Convert(audio.Samples, audio.SampleRate, rate);
        var duration = samples.Length / (double)rate;
        var tracker = new ProgressFollower(follower, progress, duration);
        var (session, _) = await sessions.StartAsync(
            new DictationStart(userId, null, quality, DictationLanguages.Supported[0], specialty, [], IsStreaming: false), tracker, cancellationToken);
        var chunk = rate / 4;
        var bytes = new byte[chunk * 2];
        for (var offset = 0; offset < samples.Length && !session.Completion.IsCompleted; offset += chunk)
        {
            var length = Math.Min(chunk, samples.Length - offset);
            Pcm.WriteLittleEndian(samples.AsSpan(offset, length), bytes);
            await session.AcceptAudioAsync(bytes.AsMemory(0, length * 2), cancellationToken);
        }

        var completed = await session.EndAsync(cancellationToken);
        progress?.Report(1);
        return completed;
    }

    /// <summary>Reports progress from the finals' end times, and passes events on.</summary>
    private sealed class ProgressFollower(IDictationFollower? inner, IProgress<double>? progress, double duration) : IDictationFollower
    {
        public void OnResult(DictationResult result)
        {
            if (!result.IsPartial && duration > 0)
            {
                progress?.Report(Math.Clamp(result.EndTime / duration, 0, 0.99));
            }

            inner?.OnResult(result);
        }

        public void OnError(DictationError error) => inner?.OnError(error);

        public void OnCompleted(DictationCompleted completed) => inner?.OnCompleted(completed);
    }
}
