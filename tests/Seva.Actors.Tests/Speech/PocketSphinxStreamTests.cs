using Seva.Actors.Speech;
using Seva.Actors.Tests.Support;

namespace Seva.Actors.Tests.Speech;

[Collection(EngineCollection.Name)]
public sealed class PocketSphinxStreamTests(EngineFixture fixture)
{
    private const string Sentence = "the wound is healing well with no sign of infection";

    private async Task<RecordingSink> DecodeAsync(short[] audio, SpeechStreamOptions? options = null, int chunk = 4000)
    {
        var sink = new RecordingSink();
        await using var stream = await fixture.Engine.OpenStreamAsync(options ?? SpeechStreamOptions.Default, sink, CancellationToken.None);
        foreach (var part in audio.Chunk(chunk))
        {
            stream.Write(part, TimeProvider.System.GetTimestamp());
        }

        await stream.CompleteAsync(CancellationToken.None);
        return sink;
    }

    [Fact]
    public async Task Utterance_PartialsComeFirstAndShareTheFinalsSegmentId()
    {
        // Real-time-like: partials are throttled by wall time, so feed slowly enough to see some.
        var sink = new RecordingSink();
        await using (var stream = await fixture.Engine.OpenStreamAsync(SpeechStreamOptions.Default, sink, CancellationToken.None))
        {
            foreach (var part in Flite.Speak(Sentence).Samples.Concat(new short[16000]).Chunk(4000))
            {
                stream.Write(part.ToArray(), TimeProvider.System.GetTimestamp());
                await Task.Delay(60);
            }

            await stream.CompleteAsync(CancellationToken.None);
        }

        var final = Assert.Single(sink.Finals);
        var partials = sink.Results.Where(r => r.IsPartial).ToList();
        Assert.NotEmpty(partials);
        Assert.All(partials, p => Assert.Equal(final.SegmentId, p.SegmentId));
        Assert.Equal(final, sink.Results[^1]);
        Assert.Equal(partials.Count, partials.Select(p => p.Text).Distinct().Count()); // only changed text is sent
        Assert.True(final.Confidence is > 0 and <= 1, $"confidence {final.Confidence}");
        Assert.NotEmpty(final.Words);
        Assert.True(final.StartTime < final.EndTime);
        Assert.Equal(final.Text, string.Join(' ', final.Words.Select(w => w.Word)));
    }

    [Fact]
    public async Task TwoUtterances_GetTwoFinals_InTimeOrder()
    {
        var sink = await DecodeAsync([.. Flite.Speak(Sentence).Samples, .. new short[16000], .. Flite.Speak(Sentence).Samples, .. new short[16000]]);
        Assert.Equal(2, sink.Finals.Count);
        Assert.NotEqual(sink.Finals[0].SegmentId, sink.Finals[1].SegmentId);
        Assert.True(sink.Finals[0].EndTime <= sink.Finals[1].StartTime);
        var secondStart = Flite.Speak(Sentence).Duration + 1.0; // the second sentence starts after the first and 1 s of silence
        Assert.InRange(sink.Finals[1].Words[0].StartTime, secondStart, secondStart + 0.4);
        Assert.InRange(sink.Finals[0].Words[0].StartTime, 0, 0.4);
    }

    [Fact]
    public async Task StreamEndingMidSentence_StillGetsAFinal()
    {
        var audio = Flite.Speak(Sentence).Samples;
        var sink = await DecodeAsync(audio[..(audio.Length * 2 / 3)]);
        Assert.Single(sink.Finals);
    }

    [Fact]
    public async Task StreamAbandonedMidUtterance_LeavesItsDecoderUsableForTheNextStream()
    {
        for (var i = 0; i < fixture.Options.Value.IdleDecoders + 1; i++)
        {
            var sink = new RecordingSink();
            var stream = await fixture.Engine.OpenStreamAsync(SpeechStreamOptions.Default, sink, CancellationToken.None);
            stream.Write(Flite.Speak(Sentence).Samples.AsSpan(0, 20000), TimeProvider.System.GetTimestamp());
            await stream.DisposeAsync();
        }

        var next = await DecodeAsync([.. Flite.Speak(Sentence).Samples, .. new short[8000]]);
        Assert.Null(next.Error);
        Assert.True(WordErrorRate.Compute(Sentence, next.FinalText) <= 0.2, next.FinalText);
    }

    [Fact]
    public async Task SessionWordWithPronunciation_IsRecognised_AndNotLentToTheNextSession()
    {
        var audio = Flite.Speak("the patient takes metoprolol daily").Samples.Concat(new short[8000]).ToArray();
        var without = await DecodeAsync(audio);
        Assert.DoesNotContain("metoprolol", without.FinalText, StringComparison.Ordinal);

        var with = await DecodeAsync(audio, new SpeechStreamOptions("en-US", [VocabularyEntry.Parse("metoprolol:M EH T AH P R AW L AA L")]));
        Assert.Contains("metoprolol", with.FinalText, StringComparison.Ordinal);

        var other = await DecodeAsync([.. Flite.Speak(Sentence).Samples, .. new short[8000]], new SpeechStreamOptions("en-US", [VocabularyEntry.Parse("metoprolol:M EH T AH P R AW L AA L")]));
        Assert.Equal(Sentence, other.FinalText); // the session word is not forced into speech without it

        for (var i = 0; i < fixture.Options.Value.IdleDecoders + 1; i++)
        {
            var after = await DecodeAsync(audio);
            Assert.DoesNotContain("metoprolol", after.FinalText, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("zzqxv", "not in the dictionary")]
    [InlineData("two words", "not a usable word")]
    [InlineData("zorbit:QQ XX", "phones the model does not have")]
    [InlineData("heart:Z Z Z", "already in the dictionary")]
    public async Task UnusableSessionWord_IsRefusedWithItsIndex(string entry, string reason)
    {
        var ex = await Assert.ThrowsAsync<VocabularyException>(() =>
            fixture.Engine.OpenStreamAsync(new SpeechStreamOptions("en-US", [VocabularyEntry.Parse("heart"), VocabularyEntry.Parse(entry)]), new RecordingSink(), CancellationToken.None));
        Assert.Equal(1, ex.Index);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }
}
