using Seva.Actors.Audio;
using Seva.Actors.Audio.Mpg123;
using Seva.Actors.Dictation;
using Seva.Actors.Formatting;
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
        var completed = await new UploadTranscriber(harness.Actors, harness.Followers, harness.Time).TranscribeAsync("user-1", wav, null, null, null, new SyncProgress(progress), CancellationToken.None);

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
        var completed = await new UploadTranscriber(harness.Actors, harness.Followers, harness.Time).TranscribeAsync("user-1", wav, "WOUNDCARE", null, null, null, CancellationToken.None);
        var record = await harness.RecordAsync(completed.TranscriptionId);
        Assert.True(WordErrorRate.Compute(Sentence, record.TranscriptText) <= 0.2, record.TranscriptText);
        Assert.Equal("WOUNDCARE", record.Specialty);
    }

    [Fact]
    public async Task Upload_SpokenCommandsApply_AsInLiveDictation_UnlessFormattingIsOff()
    {
        var speech = Flite.Speak("blood pressure is one forty over ninety period").Samples.Concat(new short[16000]).ToArray();
        await using var harness = new ActorHarness(fixture.Engine);
        var transcriber = new UploadTranscriber(harness.Actors, harness.Followers, harness.Time);

        var formatted = await transcriber.TranscribeAsync("user-1", new WavFile(16000, speech), null, FormattingOptions.Dictation, null, null, CancellationToken.None);
        var raw = await transcriber.TranscribeAsync("user-1", new WavFile(16000, speech), null, FormattingOptions.Off, null, null, CancellationToken.None);

        Assert.Equal("Blood pressure is 140/90.", (await harness.RecordAsync(formatted.TranscriptionId)).TranscriptText);
        Assert.Equal("blood pressure is one forty over ninety period", (await harness.RecordAsync(raw.TranscriptionId)).TranscriptText);
    }

    [Fact]
    public async Task LongUpload_ProgressFollowsTheDecodedAudio_AndFinalsArriveAsTheyAreDecoded()
    {
        string[] sentences =
        [
            "the patient has a headache",
            "she has a history of diabetes and high blood pressure",
            "the wound is healing well with no sign of infection",
            "blood pressure is one hundred and twenty over eighty",
            "he was given two tablets of paracetamol",
            "follow up in two weeks with the family doctor",
        ];
        var speech = sentences.SelectMany(s => Flite.Speak(s).Samples.Concat(new short[12800])).ToArray(); // 0.8 s pauses
        await using var harness = new ActorHarness(fixture.Engine);
        var transcriber = new UploadTranscriber(harness.Actors, harness.Followers, harness.Time);
        await transcriber.TranscribeAsync("user-1", Flite.Speak(sentences[0]), null, null, null, null, CancellationToken.None); // a decoder is loaded now
        var timeline = new Timeline();

        var completed = await transcriber.TranscribeAsync("user-1", new WavFile(16000, speech), null, null, timeline, timeline, CancellationToken.None);
        var end = timeline.Now;

        Assert.Equal(TranscriptionStatus.Completed, completed.Status);
        var events = timeline.Events;
        var progress = events.Where(e => e.Value is double).Select(e => (double)e.Value).ToList();
        Assert.Equal(1.0, progress[^1]);
        Assert.True(progress.Zip(progress.Skip(1)).All(p => p.Second >= p.First), $"progress went back: {string.Join(", ", progress)}");
        Assert.True(progress.Count(p => p is > 0 and < 1) >= 3, $"progress moved in steps: {string.Join(", ", progress)}");

        // The first final comes while most of the audio is still to be decoded, not in a burst at the end,
        // and the progress shown then says so (it follows what is decoded, not what was handed over).
        var firstFinal = events.FindIndex(e => e.Value is DictationResult { IsPartial: false });
        Assert.True(firstFinal >= 0, "no final");
        var shareOfTheTime = events[firstFinal].At / (double)end;
        Assert.True(shareOfTheTime < 0.6, $"the first final came after {shareOfTheTime:P0} of the transcription's time");
        var progressThen = events.Take(firstFinal).Where(e => e.Value is double).Select(e => (double)e.Value).DefaultIfEmpty(0).Max();
        Assert.True(progressThen < 0.6, $"progress said {progressThen:P0} when the first of six sentences was final");
        Assert.True(events.Count(e => e.Value is DictationResult { IsPartial: false }) >= 4);
    }

    /// <summary>What an upload tells its page, in order, with the time since the start.</summary>
    private sealed class Timeline : IDictationFollower, IProgress<double>
    {
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private readonly List<(object Value, long At)> _events = [];

        public long Now => _clock.ElapsedTicks;

        public List<(object Value, long At)> Events
        {
            get
            {
                lock (_events)
                {
                    return [.. _events];
                }
            }
        }

        public void Report(double value) => Add(value);

        public void OnResult(DictationResult result) => Add(result);

        public void OnRetracted(IReadOnlyList<string> segmentIds) => Add(segmentIds);

        public void OnError(DictationError error) => Add(error);

        public void OnCompleted(DictationCompleted completed) => Add(completed);

        private void Add(object value)
        {
            lock (_events)
            {
                _events.Add((value, _clock.ElapsedTicks));
            }
        }
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
