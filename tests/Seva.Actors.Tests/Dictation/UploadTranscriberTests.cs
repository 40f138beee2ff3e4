using Seva.Actors.Audio;
using Seva.Actors.Audio.Mpg123;
using Seva.Actors.Dictation;
using Seva.Actors.Speech;
using Seva.Actors.Storage;
using Seva.Actors.Tests.Audio;
using Seva.Actors.Tests.Support;

namespace Seva.Actors.Tests.Dictation;

[Collection(EngineCollection.Name)]
public sealed class UploadTranscriberTests(EngineFixture fixture)
{
    private const string Sentence = "the wound is healing well with no sign of infection";

    [Fact]
    public void Mp3Decoder_DecodesWhatTheEncoderWrote_AtItsRateAndLength()
    {
        var input = ResamplerTests.Sine(440, 16000, 2.0, 8000);
        var mp3 = Mp3EncoderTests.Encode(input, 16000, 4000);
        var decoded = Mp3Decoder.Decode(mp3);
        Assert.Equal(16000, decoded.SampleRate);
        Assert.InRange(decoded.Duration, 2.0, 2.2);
    }

    [Theory]
    [InlineData("hello, this is not audio")]
    [InlineData("")]
    public void Decode_NotAudio_IsRefusedWithAClearMessage(string content)
    {
        var ex = Assert.Throws<InvalidDataException>(() => UploadTranscriber.Decode(System.Text.Encoding.UTF8.GetBytes(content)));
        Assert.Contains("WAV", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_CorruptMp3_IsRefused()
    {
        var garbage = new byte[4000];
        new Random(1).NextBytes(garbage);
        garbage[0] = 0xFF;
        garbage[1] = 0xFB;
        Assert.Throws<InvalidDataException>(() => UploadTranscriber.Decode(garbage));
    }

    [Fact]
    public void Decode_WavOutsideTheSupportedRates_IsRefused()
    {
        var wav = new WavFile(96000, new short[96000]).ToBytes();
        var ex = Assert.Throws<InvalidDataException>(() => UploadTranscriber.Decode(wav));
        Assert.Contains("96000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_Wav441kHz_IsTranscribedAndKeptAt48kHzAsNotStreaming()
    {
        var speech = Flite.Speak(Sentence).Samples.Concat(new short[16000]).ToArray();
        var at44 = Resampler.Convert(speech, 16000, 44100);
        var wav = UploadTranscriber.Decode(new WavFile(44100, at44).ToBytes());

        await using var harness = new ActorHarness(fixture.Engine);
        var progress = new List<double>();
        var completed = await new UploadTranscriber(harness.Sessions).TranscribeAsync("user-1", wav, null, null, new SyncProgress(progress), CancellationToken.None);

        var record = await harness.RecordAsync(completed.TranscriptionId);
        Assert.Equal(TranscriptionStatus.Completed, record.Status);
        Assert.False(record.IsStreaming);
        Assert.Equal(48000, record.SampleRate);
        Assert.True(WordErrorRate.Compute(Sentence, record.TranscriptText) <= 0.2, record.TranscriptText);
        Assert.Equal(1.0, progress[^1]);
        Assert.Equal(48000, Mp3Frames.Read(await harness.AudioAsync(record.AudioKey!)).SampleRate);
    }

    [Fact]
    public async Task Upload_Mp3_IsTranscribed()
    {
        var speech = Flite.Speak(Sentence).Samples.Concat(new short[16000]).ToArray();
        var wav = UploadTranscriber.Decode(Mp3EncoderTests.Encode(speech, 16000, 4000));
        await using var harness = new ActorHarness(fixture.Engine);
        var completed = await new UploadTranscriber(harness.Sessions).TranscribeAsync("user-1", wav, "WOUNDCARE", null, null, CancellationToken.None);
        var record = await harness.RecordAsync(completed.TranscriptionId);
        Assert.True(WordErrorRate.Compute(Sentence, record.TranscriptText) <= 0.2, record.TranscriptText);
        Assert.Equal("WOUNDCARE", record.Specialty);
    }

    private sealed class SyncProgress(List<double> values) : IProgress<double>
    {
        public void Report(double value)
        {
            lock (values)
            {
                values.Add(value);
            }
        }
    }
}
