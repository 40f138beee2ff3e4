using Seva.Actors.Formatting;

namespace Seva.Actors.Tests.Formatting;

public sealed class TranscriptFormatterTests
{
    [Fact]
    public void Format_TheIssuesExample_IsASentenceFollowedByAParagraphBreak()
    {
        var result = Dictated.Format("blood pressure is one forty over ninety period new paragraph");

        Assert.Equal("Blood pressure is 140/90.\n\n", result.Text);
        Assert.Equal(string.Empty, result.Separator);
        Assert.False(result.DeletesPrevious);
    }

    [Theory]
    // Spoken punctuation and layout.
    [InlineData("the patient comma who is stable comma was seen", "The patient, who is stable, was seen")]
    [InlineData("is she breathing question mark", "Is she breathing?")]
    [InlineData("no distress exclamation point", "No distress!")]
    [InlineData("no distress exclamation mark", "No distress!")]
    [InlineData("stable full stop afebrile", "Stable. Afebrile")]
    [InlineData("allergies colon none", "Allergies: none")]
    [InlineData("stable semi colon afebrile", "Stable; afebrile")]
    [InlineData("stable semi-colon afebrile", "Stable; afebrile")]
    [InlineData("open parenthesis see above close parenthesis", "(See above)")]
    [InlineData("pain open parenthesis left close parenthesis period", "Pain (left).")]
    [InlineData("medications colon new line aspirin new line heparin", "Medications:\nAspirin\nHeparin")]
    [InlineData("stable period new paragraph plan colon rest", "Stable.\n\nPlan: rest")]
    [InlineData("new paragraph", "\n\n")]
    [InlineData("i think i'm fine", "I think I'm fine")]
    [InlineData("stable period she is well", "Stable. She is well")]
    // Punctuation words that are meant as words.
    [InlineData("the colon was normal", "The colon was normal")]
    [InlineData("sigmoid colon colon normal", "Sigmoid colon: normal")]
    [InlineData("a period of rest period", "A period of rest.")]
    [InlineData("the menstrual period was late period", "The menstrual period was late.")]
    [InlineData("a new line of therapy", "A new line of therapy")]
    // Capitals on command.
    [InlineData("seen by doctor cap smith", "Seen by doctor Smith")]
    [InlineData("history of all caps copd", "History of COPD")]
    [InlineData("cap period", "Period")]
    [InlineData("knee cap tender", "Knee cap tender")]
    [InlineData("wearing a cap", "Wearing a cap")]
    // Numbers.
    [InlineData("temperature ninety eight point six", "Temperature 98.6")]
    [InlineData("sodium one hundred twenty", "Sodium 120")]
    [InlineData("sodium one hundred and five", "Sodium 105")]
    [InlineData("about a hundred", "About 100")]
    [InlineData("two thousand", "2000")]
    [InlineData("twelve thousand five hundred", "12500")]
    [InlineData("one million", "1000000")]
    [InlineData("twenty five hundred", "2500")]
    [InlineData("fifteen hundred milligrams", "1500 mg")]
    [InlineData("two thousand fifteen hundred", "2000 1500")]
    [InlineData("heart rate seventy two", "Heart rate 72")]
    [InlineData("one of the patients", "One of the patients")]
    [InlineData("seen two or three times", "Seen two or 3 times")]
    [InlineData("oh no", "Oh no")]
    [InlineData("at this point we stopped", "At this point we stopped")]
    // Blood pressure and ratios: "one forty" is 140.
    [InlineData("blood pressure one twenty over eighty", "Blood pressure 120/80")]
    [InlineData("blood pressure one forty five over ninety five", "Blood pressure 145/95")]
    [InlineData("blood pressure one forty over ninety millimeters of mercury", "Blood pressure 140/90 mmHg")]
    [InlineData("pain five over ten", "Pain 5/10")]
    [InlineData("glucose one oh five", "Glucose 105")]
    // Ages, units, percentages, counts.
    [InlineData("a fifty two year old male", "A 52-year-old male")]
    [InlineData("a five year old", "A 5-year-old")]
    [InlineData("a six month old", "A 6-month-old")]
    [InlineData("she is fifty two years old", "She is 52 years old")]
    [InlineData("aspirin eighty one milligrams", "Aspirin 81 mg")]
    [InlineData("five milligrams", "5 mg")]
    [InlineData("ten milliliters", "10 mL")]
    [InlineData("two hundred fifty micrograms", "250 mcg")]
    [InlineData("weight seventy point five kilograms", "Weight 70.5 kg")]
    [InlineData("point five milligrams", "0.5 mg")]
    [InlineData("glucose ninety milligrams per deciliter", "Glucose 90 mg/dL")]
    [InlineData("heart rate eighty beats per minute", "Heart rate 80 bpm")]
    [InlineData("oxygen two liters per minute", "Oxygen 2 L/min")]
    [InlineData("saturation ninety eight percent", "Saturation 98%")]
    [InlineData("fifty percent", "50%")]
    [InlineData("take two tablets", "Take 2 tablets")]
    [InlineData("for three days", "For 3 days")]
    [InlineData("repeat times two", "Repeat x2")]
    [InlineData("antibiotics times ten days", "Antibiotics x10 days")]
    [InlineData("three times a day", "3 times a day")]
    [InlineData("temperature ninety eight point six degrees", "Temperature 98.6 degrees")]
    [InlineData("flexion to ninety degrees", "Flexion to 90 degrees")]
    [InlineData("ninety eight point six degrees fahrenheit", "98.6°F")]
    [InlineData("thirty seven degrees celsius", "37°C")]
    // Dates, times, ordinals.
    [InlineData("seen on march third twenty twenty six", "Seen on March 3, 2026")]
    [InlineData("march the third", "March 3")]
    [InlineData("march twenty first two thousand twenty six", "March 21, 2026")]
    [InlineData("march twenty", "March 20")]
    [InlineData("since march twenty twenty six", "Since March 2026")]
    [InlineData("born may second nineteen ninety", "Born May 2, 1990")]
    [InlineData("she may two", "She may two")]
    [InlineData("at ten thirty a m", "At 10:30 AM")]
    [InlineData("at ten a.m.", "At 10 AM")]
    [InlineData("at one forty p m", "At 1:40 PM")]
    [InlineData("at one oh five p.m.", "At 1:05 PM")]
    [InlineData("at ten thirty", "At 10 30")]
    [InlineData("the third patient", "The third patient")]
    [InlineData("a second opinion", "A second opinion")]
    [InlineData("second degree burn", "2nd degree burn")]
    [InlineData("first trimester", "1st trimester")]
    [InlineData("her twenty first birthday", "Her 21st birthday")]
    [InlineData("the eleventh visit", "The 11th visit")]
    [InlineData("in nineteen eighty four", "In 1984")]
    [InlineData("in twenty oh five", "In 2005")]
    public void Format_Dictation_WritesAsANoteReads(string raw, string expected) =>
        Assert.Equal(expected, Dictated.Format(raw).Text);

    [Fact]
    public void Format_DegreesWithFahrenheitChosen_IsFahrenheit()
    {
        var options = FormattingOptions.Dictation with { Degrees = DegreesMeaning.Fahrenheit };
        var result = TranscriptFormatter.Format("temperature ninety eight point six degrees", FormattingContext.Empty, options);
        Assert.Equal("Temperature 98.6°F", result.Text);
    }

    [Fact]
    public void Format_DegreesWithCelsiusChosen_IsCelsius()
    {
        var options = FormattingOptions.Dictation with { Degrees = DegreesMeaning.Celsius };
        Assert.Equal("37°C", TranscriptFormatter.Format("thirty seven degrees", FormattingContext.Empty, options).Text);
    }

    [Theory]
    [InlineData(new[] { "Blood pressure is" }, "one forty over ninety period", "140/90.", " ")]
    [InlineData(new[] { "The patient is stable." }, "she reports pain", "She reports pain", " ")]
    [InlineData(new[] { "Plan:\n\n" }, "rest", "Rest", "")]
    [InlineData(new[] { "Stable" }, "period", ".", "")]
    [InlineData(new[] { "Stable" }, "comma afebrile", ", afebrile", "")]
    [InlineData(new[] { "Stable." }, "new paragraph plan", "\n\nPlan", "")]
    [InlineData(new[] { "Pain (" }, "left close parenthesis", "left)", "")]
    [InlineData(new[] { "Seen.", "(" }, "see above", "See above", "")]
    [InlineData(new[] { "Seen", "(" }, "see above", "see above", "")]
    public void Format_AfterPreviousFinals_ContinuesTheSentenceAndSpacing(string[] previous, string raw, string text, string separator)
    {
        var result = Dictated.Format(raw, previous);
        Assert.Equal(text, result.Text);
        Assert.Equal(separator, result.Separator);
    }

    [Fact]
    public void Format_NewParagraph_HasNoSpacesAroundTheBreak()
    {
        var text = Dictated.Format("stable period new paragraph new line plan").Text;
        Assert.Equal("Stable.\n\n\nPlan", text);
        Assert.DoesNotContain(" \n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\n ", text, StringComparison.Ordinal);
    }
}
