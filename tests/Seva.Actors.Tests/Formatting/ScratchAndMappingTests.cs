using Seva.Actors.Formatting;

namespace Seva.Actors.Tests.Formatting;

public sealed class ScratchAndMappingTests
{
    [Theory]
    [InlineData("scratch that")]
    [InlineData("delete that")]
    public void Format_ScratchThatAlone_DeletesThePreviousFinalAndWritesNothing(string raw)
    {
        var result = Dictated.Format(raw, "Alpha.", "Beta.");
        Assert.Equal(1, result.FinalsToDelete);
        Assert.True(result.DeletesPrevious);
        Assert.Equal(string.Empty, result.Text);
        Assert.All(result.Words, w => Assert.Equal(WordFate.Command, w.Fate));
    }

    [Fact]
    public void Format_ScratchThatFirst_DeletesThePreviousFinal_AndWritesTheRestAgainstWhatIsLeft()
    {
        var result = Dictated.Format("scratch that the patient is stable", "Alpha.", "Beta is");
        Assert.Equal(1, result.FinalsToDelete);
        Assert.Equal("The patient is stable", result.Text); // after "Alpha." — a new sentence
        Assert.Equal(" ", result.Separator);
    }

    [Fact]
    public void Format_ScratchThatAfterWords_RemovesThoseWordsOnly()
    {
        var result = Dictated.Format("the patient is sixty scratch that seventy years old", "Alpha.");
        Assert.Equal(0, result.FinalsToDelete);
        Assert.Equal("70 years old", result.Text);
        Assert.Equal(new[] { WordFate.Scratched, WordFate.Scratched, WordFate.Scratched, WordFate.Scratched, WordFate.Command, WordFate.Command, WordFate.Written, WordFate.Written, WordFate.Written },
            result.Words.Select(w => w.Fate));
    }

    [Fact]
    public void Format_ScratchThatTwiceAfterWords_RemovesTheWordsThenThePreviousFinal()
    {
        var result = Dictated.Format("alpha scratch that scratch that beta", "One.", "Two.");
        Assert.Equal(1, result.FinalsToDelete);
        Assert.Equal("Beta", result.Text);
    }

    [Fact]
    public void Format_ScratchThatOnAnEmptyDocument_DeletesNothing()
    {
        var result = Dictated.Format("scratch that");
        Assert.Equal(0, result.FinalsToDelete);
        Assert.Equal(string.Empty, result.Text);
    }

    [Fact]
    public void Document_ScratchThat_RemovesTheLastFinal()
    {
        var document = new TranscriptDocument(FormattingOptions.Dictation);
        document.Add("blood pressure is");
        document.Add("one forty over ninety period");
        document.Add("pulse is eighty");
        document.Add("scratch that");
        Assert.Equal("Blood pressure is 140/90.", document.Text);
        document.Add("pulse is seventy period");
        Assert.Equal("Blood pressure is 140/90. Pulse is 70.", document.Text);
        Assert.Equal(3, document.Finals.Count);
    }

    [Fact]
    public void Format_TheIssuesExample_MapsEveryWordToTheTokenItBecame()
    {
        var result = Dictated.Format("blood pressure is one forty over ninety period new paragraph");

        Assert.Equal(new[] { "Blood", "pressure", "is", "140/90", ".", "\n\n" }, result.Tokens.Select(t => t.Text));
        Assert.Equal(new int?[] { 0, 1, 2, 3, 3, 3, 3, 4, 5, 5 }, result.Words.Select(w => w.TokenIndex));
        Assert.All(result.Words, w => Assert.Equal(WordFate.Written, w.Fate));
        Assert.Equal(Enumerable.Range(0, 10), result.Words.Select(w => w.RawIndex));
        Assert.Equal("forty", result.Words[4].Raw);
    }

    [Fact]
    public void Format_CapCommand_IsACommandAndTheNextWordIsWritten()
    {
        var result = Dictated.Format("doctor cap smith");
        Assert.Equal("Doctor Smith", result.Text);
        Assert.Equal(new[] { WordFate.Written, WordFate.Command, WordFate.Written }, result.Words.Select(w => w.Fate));
        Assert.Equal(new int?[] { 0, null, 1 }, result.Words.Select(w => w.TokenIndex));
    }

    [Theory]
    [InlineData("blood pressure is one forty over ninety period new paragraph")]
    [InlineData("aspirin eighty one milligrams comma open parenthesis see above close parenthesis")]
    [InlineData("seen on march third twenty twenty six at ten thirty a m")]
    public void Format_TokenStarts_PointAtTheTokensInTheText(string raw)
    {
        var result = Dictated.Format(raw);
        Assert.All(result.Tokens, t => Assert.Equal(t.Text, result.Text.Substring(t.Start, t.Text.Length)));
    }

    [Fact]
    public void Format_UnitAfterNumber_MapsToItsOwnToken()
    {
        var result = Dictated.Format("five milligrams");
        Assert.Equal(new[] { "5", "mg" }, result.Tokens.Select(t => t.Text));
        Assert.Equal(new int?[] { 0, 1 }, result.Words.Select(w => w.TokenIndex));
    }
}
