using Seva.Actors.Dictation;
using Seva.Actors.Formatting;
using Seva.Actors.Speech;

namespace Seva.Actors.Tests.Dictation;

public sealed class DictatedTranscriptTests
{
    [Fact]
    public void SpokenPunctuationAndLayout_AreWritten_AndEachWordKeepsItsTimesAndTheTokenItBecame()
    {
        var transcript = new DictatedTranscript(FormattingOptions.Dictation);

        var (final, removed) = transcript.Add(Final("s1", "blood pressure is one forty over ninety period new paragraph"));

        Assert.Empty(removed);
        Assert.Equal("Blood pressure is 140/90.\n\n", final!.Text);
        Assert.Equal("blood pressure is one forty over ninety period new paragraph", final.RawText);
        Assert.Equal(10, final.Words.Count);
        Assert.Equal(("blood", 0.0, 0.5, "Blood"), (final.Words[0].Word, final.Words[0].Start, final.Words[0].End, final.Words[0].Token));
        Assert.Equal("140/90", final.Words[3].Token);
        Assert.Equal(".", final.Words[7].Token);
        Assert.Equal("Blood pressure is 140/90.\n\n", transcript.Text);
        Assert.Equal(4, transcript.WordCount);
    }

    [Fact]
    public void ScratchThat_RemovesThePreviousFinal_FromTheTextAndTheWords_AndSaysWhichOne()
    {
        var transcript = new DictatedTranscript(FormattingOptions.Dictation);
        transcript.Add(Final("s1", "the patient is stable period"));
        transcript.Add(Final("s2", "she has a fever period"));

        var (final, removed) = transcript.Add(Final("s3", "scratch that"));

        Assert.Null(final);
        Assert.Equal(["s2"], removed);
        Assert.Equal("The patient is stable.", transcript.Text);
        Assert.DoesNotContain(DictatedTranscript.ParseWords(transcript.WordsJson()), w => w.Word == "fever");
    }

    [Fact]
    public void ATranscriptRestoredFromItsRecord_GoesOnAsItWas_AndScratchThatDoesNotReachBeforeTheMove()
    {
        var before = new DictatedTranscript(FormattingOptions.Dictation);
        before.Add(Final("s1", "the patient is stable period"));
        before.Add(Final("s2", "she has a fever period"));

        var after = DictatedTranscript.Restore(FormattingOptions.Dictation, before.Text, DictatedTranscript.ParseWords(before.WordsJson()));
        after.Add(Final("s3", "no cough period"));
        var (scratched, removed) = after.Add(Final("s4", "scratch that"));
        var (last, _) = after.Add(Final("s5", "scratch that"));

        Assert.Null(scratched);
        Assert.Equal(["s3"], removed);
        Assert.Null(last); // what was written before the move stays
        Assert.Equal("The patient is stable. She has a fever.", after.Text);
        Assert.Equal(before.WordsJson(), after.WordsJson());
    }

    [Fact]
    public void ARestoredTranscript_KeepsWhetherTheClinicianDictatesPunctuation()
    {
        var dictating = new DictatedTranscript(FormattingOptions.Dictation);
        dictating.Add(Final("s1", "the patient is stable period"));
        var plain = new DictatedTranscript(FormattingOptions.Dictation);
        plain.Add(Final("s1", "the patient is stable"));

        var restoredDictating = DictatedTranscript.Restore(FormattingOptions.Dictation, dictating.Text, DictatedTranscript.ParseWords(dictating.WordsJson()));
        var restoredPlain = DictatedTranscript.Restore(FormattingOptions.Dictation, plain.Text, DictatedTranscript.ParseWords(plain.WordsJson()));

        restoredDictating.Add(Final("s2", "she has a fever"));
        restoredPlain.Add(Final("s2", "she has a fever"));

        // Dictating punctuation: an unpunctuated final is not closed with a period for the clinician.
        Assert.Equal("The patient is stable. She has a fever", restoredDictating.Text);
        Assert.Equal("The patient is stable. She has a fever.", restoredPlain.Text);
    }

    [Fact]
    public void FinalsWithoutSpokenPunctuation_ReadAsSentences_UntilTheClinicianDictatesPunctuation()
    {
        var transcript = new DictatedTranscript(FormattingOptions.Dictation);

        Assert.Equal("The patient has a cough.", transcript.Add(Final("s1", "the patient has a cough")).Final!.Text);
        Assert.Equal("It started 2 days ago.", transcript.Add(Final("s2", "it started two days ago")).Final!.Text);

        // The pause already closed the sentence: "period" after it writes nothing more.
        var (lone, _) = transcript.Add(Final("s3", "period new paragraph"));
        Assert.Equal("\n\n", lone!.Text);

        // From now on only what is said is written: a sentence split over a pause stays one sentence.
        Assert.Equal("No fever", transcript.Add(Final("s4", "no fever")).Final!.Text);
        Assert.Equal("or chills.", transcript.Add(Final("s5", "or chills period")).Final!.Text);
        Assert.Equal("The patient has a cough. It started 2 days ago.\n\nNo fever or chills.", transcript.Text);
    }

    [Fact]
    public void FormattingOff_KeepsTheRecognisedWords_AndCommandsAreJustWords()
    {
        var transcript = new DictatedTranscript(FormattingOptions.Off);
        transcript.Add(Final("s1", "pulse is ninety period"));
        var (final, removed) = transcript.Add(Final("s2", "scratch that"));

        Assert.Empty(removed);
        Assert.Equal("scratch that", final!.Text);
        Assert.Equal("pulse is ninety period scratch that", transcript.Text);
    }

    [Fact]
    public void WordsJson_RoundTrips()
    {
        var transcript = new DictatedTranscript(FormattingOptions.Dictation);
        transcript.Add(Final("s1", "temperature ninety eight point six"));

        var words = DictatedTranscript.ParseWords(transcript.WordsJson());

        Assert.Equal(transcript.Finals.SelectMany(f => f.Words), words);
        Assert.Equal("98.6", words[1].Token);
    }

    /// <summary>A final whose words are half a second each, one after another from 0 s.</summary>
    private static RecognitionResult Final(string segmentId, string text)
    {
        var words = text.Split(' ').Select((w, i) => new RecognizedWord(w, i * 0.5, (i + 1) * 0.5, 0.9)).ToList();
        return new RecognitionResult(segmentId, false, text, 0.9, 0, words.Count * 0.5, words);
    }
}
