using Seva.Actors.Formatting;
using Seva.Actors.Speech.PocketSphinx;

namespace Seva.Actors.Tests.Formatting;

public sealed class FormatterVocabularyTests
{
    private static readonly Lazy<HashSet<string>> EnUsDictionary = new(() =>
    {
        var path = new PocketSphinxOptions().DictionaryPath;
        Assert.True(File.Exists(path), $"{path} is missing: install the Debian package pocketsphinx-en-us");
        using var reader = File.OpenText(path);
        return FormatterVocabulary.ReadDictionaryWords(reader);
    });

    [Fact]
    public void RuleWords_AreAllInThePocketSphinxEnUsDictionary() =>
        Assert.Empty(FormatterVocabulary.Missing(FormatterVocabulary.RuleWords, EnUsDictionary.Value.Contains));

    [Theory]
    [InlineData("semicolon")]
    [InlineData("paren")]
    public void SpokenFormsTheIssueNames_AreNotInTheDictionary_SoTheRulesUseOthers(string word)
    {
        // If the dictionary gains these words, the rules can take them too.
        Assert.DoesNotContain(word, EnUsDictionary.Value);
        Assert.DoesNotContain(word, FormatterVocabulary.RuleWords);
    }

    [Fact]
    public void RuleWords_IncludeEveryKindOfRule()
    {
        foreach (var word in new[] { "period", "scratch", "caps", "milligrams", "percent", "fahrenheit", "old", "tablets", "trimester", "march", "p.m.", "ninety", "hundred", "twentieth", "over", "times", "sigmoid" })
        {
            Assert.Contains(word, FormatterVocabulary.RuleWords);
        }
    }

    [Fact]
    public void Missing_ReturnsTheWordsTheDictionaryLacks_InOrder() =>
        Assert.Equal(new[] { "paren", "semicolon" }, FormatterVocabulary.Missing(["period", "paren", "comma", "semicolon"], w => w is "period" or "comma"));

    [Fact]
    public void ReadDictionaryWords_ReadsWordsAndFoldsAlternatePronunciations()
    {
        using var reader = new StringReader("a AH\na(2) EY\nsemi-colon S EH M IY K OW L AH N\n\nzero Z IH R OW\n");
        Assert.Equal(new[] { "a", "semi-colon", "zero" }, FormatterVocabulary.ReadDictionaryWords(reader).Order(StringComparer.Ordinal));
    }
}
