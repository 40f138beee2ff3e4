using Seva.Actors.Speech;

namespace Seva.Actors.Tests.Speech;

public sealed class HypothesisTextTests
{
    [Theory]
    [InlineData("<s> the patient <sil> is well </s>", "the patient is well")]
    [InlineData("[NOISE] heart(2) rate [BREATH] ++UH++", "heart rate")]
    [InlineData("", "")]
    [InlineData("<sil>", "")]
    public void Clean_DropsMarkersFillersAndAlternateMarks(string hypothesis, string expected) =>
        Assert.Equal(expected, HypothesisText.Clean(hypothesis));

    [Theory]
    [InlineData("", 0)]
    [InlineData("one", 1)]
    [InlineData("one two  three", 3)]
    public void CountWords_CountsSpaceSeparatedWords(string text, int expected) =>
        Assert.Equal(expected, HypothesisText.CountWords(text));
}
