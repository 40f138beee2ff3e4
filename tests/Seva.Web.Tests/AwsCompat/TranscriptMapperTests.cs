using Seva.Actors.Dictation;
using Seva.Web.Features.AwsCompat;

namespace Seva.Web.Tests.AwsCompat;

public sealed class TranscriptMapperTests
{
    private static TranscribeStreamRequest Request(TranscribeOperation operation = TranscribeOperation.Standard, bool stabilize = false) =>
        new(operation, "en-US", 16000, "pcm", null, null, stabilize, null, false, null, null);

    private static TranscriptResult Single(TranscriptEvent transcript) => Assert.Single(transcript.Transcript.Results);

    [Fact]
    public void Final_ItemsAreTheTokensItsWordsBecame_WithTheirTimesAndMeanConfidence()
    {
        TimedWord[] words =
        [
            new("blood", 0.1, 0.4, 0.9, "Blood", 0),
            new("pressure", 0.4, 0.9, 0.8, "pressure", 1),
            new("one", 1.0, 1.2, 0.7, "120", 2),
            new("twenty", 1.2, 1.6, 0.9, "120", 2),
            new("period", 1.7, 2.0, 0.95, ".", 3),
        ];
        var final = new DictationResult("seg-1", IsPartial: false, "Blood pressure 120.", 0.85, 0.1, 2.0, "blood pressure one twenty period", " ", words);

        var result = Single(TranscriptMapper.Map(final, Request()));

        Assert.Equal(("seg-1", 0.1, 2.0, false, "en-US"), (result.ResultId, result.StartTime, result.EndTime, result.IsPartial, result.LanguageCode));
        var alternative = Assert.Single(result.Alternatives);
        Assert.Equal("Blood pressure 120.", alternative.Transcript);
        Assert.Equal(
            [
                new TranscriptItem(0.1, 0.4, TranscriptItemType.Pronunciation, "Blood", 0.9),
                new TranscriptItem(0.4, 0.9, TranscriptItemType.Pronunciation, "pressure", 0.8),
                new TranscriptItem(1.0, 1.6, TranscriptItemType.Pronunciation, "120", 0.8),
                new TranscriptItem(1.7, 2.0, TranscriptItemType.Punctuation, "."),
            ],
            alternative.Items);
    }

    [Fact]
    public void Final_ClosedBySeva_EndsWithAPunctuationItem_AndCommandsGiveNoItem_AllStableWhenStabilizing()
    {
        TimedWord[] words =
        [
            new("new", 0.0, 0.2, 0.9, null),
            new("paragraph", 0.2, 0.6, 0.9, null),
            new("hello", 0.7, 1.1, 0.6, "Hello", 0),
        ];
        var final = new DictationResult("seg-2", IsPartial: false, "Hello.", 0.6, 0.0, 1.1, "new paragraph hello", "\n\n", words);

        var items = Assert.Single(Single(TranscriptMapper.Map(final, Request(stabilize: true))).Alternatives).Items;

        Assert.Equal(
            [
                new TranscriptItem(0.7, 1.1, TranscriptItemType.Pronunciation, "Hello", 0.6, Stable: true),
                new TranscriptItem(1.1, 1.1, TranscriptItemType.Punctuation, ".", Stable: true),
            ],
            items);
    }

    [Fact]
    public void Partial_HasItsTextAndNoItems_AndMedicalResultsNoLanguageCode()
    {
        var partial = new DictationResult("seg-3", IsPartial: true, "the patient", 0, 0.2, 0.9);

        var standard = Single(TranscriptMapper.Map(partial, Request()));
        var medical = Single(TranscriptMapper.Map(partial, Request(TranscribeOperation.Medical)));

        Assert.True(standard.IsPartial);
        Assert.Equal("the patient", Assert.Single(standard.Alternatives).Transcript);
        Assert.Empty(standard.Alternatives[0].Items);
        Assert.Null(medical.LanguageCode);
    }
}
