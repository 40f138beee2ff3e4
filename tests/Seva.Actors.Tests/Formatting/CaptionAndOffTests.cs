using Seva.Actors.Formatting;

namespace Seva.Actors.Tests.Formatting;

public sealed class CaptionAndOffTests
{
    [Theory]
    [InlineData("the patient is stable", "The patient is stable.")]
    [InlineData("blood pressure one forty over ninety", "Blood pressure 140/90.")]
    [InlineData("the trial period ended", "The trial period ended.")]
    [InlineData("a comma here and a new line there", "A comma here and a new line there.")]
    [InlineData("i saw fifty percent improvement", "I saw 50% improvement.")]
    [InlineData("we start at ten a.m.", "We start at 10 AM.")]
    [InlineData("scratch that", "Scratch that.")]
    [InlineData("", "")]
    public void Format_Caption_IsASentenceWithNumbersFormatted(string raw, string expected) =>
        Assert.Equal(expected, TranscriptFormatter.Format(raw, FormattingContext.Empty, FormattingOptions.Caption).Text);

    [Fact]
    public void Format_CaptionAfterACaption_IsSpacedAndCapitalised()
    {
        var result = TranscriptFormatter.Format("and then we rest", new FormattingContext(["We walk."]), FormattingOptions.Caption);
        Assert.Equal("And then we rest.", result.Text);
        Assert.Equal(" ", result.Separator);
    }

    [Fact]
    public void Format_CaptionsAddedPeriod_MapsToNoWord()
    {
        var result = TranscriptFormatter.Format("we rest", FormattingContext.Empty, FormattingOptions.Caption);
        Assert.Equal(3, result.Tokens.Count);
        Assert.DoesNotContain(result.Words, w => w.TokenIndex == 2);
    }

    [Theory]
    [InlineData("blood pressure is one forty over ninety period new paragraph")]
    [InlineData("scratch that")]
    [InlineData("i  think  so")]
    [InlineData("")]
    public void Format_Off_ReturnsTheRawTextUnchanged(string raw)
    {
        var result = TranscriptFormatter.Format(raw, new FormattingContext(["Earlier."]), FormattingOptions.Off);
        Assert.Equal(raw, result.Text);
        Assert.Equal(0, result.FinalsToDelete);
        Assert.All(result.Words, w => Assert.Equal(WordFate.Written, w.Fate));
        Assert.All(result.Tokens, t => Assert.Equal(t.Text, raw.Substring(t.Start, t.Text.Length)));
    }
}
