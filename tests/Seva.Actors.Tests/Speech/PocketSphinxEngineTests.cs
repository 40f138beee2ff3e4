using Seva.Actors.Audio;
using Seva.Actors.Speech;
using Seva.Actors.Tests.Support;

namespace Seva.Actors.Tests.Speech;

[Collection(EngineCollection.Name)]
public sealed class PocketSphinxEngineTests(EngineFixture fixture)
{
    private const string Sentence = "she has a history of diabetes and high blood pressure";

    [Fact]
    public async Task Stream_SpokenSentence_FinalHoldsTheWords()
    {
        var sink = new RecordingSink();
        var speech = Flite.Speak(Sentence);
        await using (var stream = await fixture.Engine.OpenStreamAsync(SpeechStreamOptions.Default, sink, CancellationToken.None))
        {
            foreach (var chunk in speech.Samples.Chunk(4000))
            {
                stream.Write(chunk, TimeProvider.System.GetTimestamp());
            }

            stream.Write(new short[16000], TimeProvider.System.GetTimestamp());
            await stream.CompleteAsync(CancellationToken.None);
        }

        Assert.Null(sink.Error);
        Assert.True(WordErrorRate.Compute(Sentence, sink.FinalText) <= 0.2, $"heard '{sink.FinalText}'");
    }
}
