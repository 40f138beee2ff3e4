using System.Diagnostics;
using FsCheck;
using FsCheck.Xunit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Seva.Actors.Translation;

namespace Seva.Actors.Tests.Translation;

/// <summary>One translator (and its pipelines) for the tests: pipelines are long-lived by design.</summary>
public sealed class TranslatorFixture : IAsyncLifetime
{
    public ApertiumTranslator Translator { get; } = new(Options.Create(new ApertiumOptions()), NullLogger<ApertiumTranslator>.Instance);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Translator.DisposeAsync();
}

public sealed class ApertiumTranslatorTests(TranslatorFixture fixture) : IClassFixture<TranslatorFixture>
{
    private ApertiumTranslator Translator => fixture.Translator;

    [Fact]
    public async Task EnglishToSpanish_TranslatesASentence()
    {
        var spanish = await Translator.TranslateAsync("The patient has a headache.", "en", "es", CancellationToken.None);
        Assert.Contains("paciente", spanish, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith(".", spanish, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pt", "paciente")]
    [InlineData("fr", "patient")]
    [InlineData("it", "paziente")]
    public async Task LanguagesWithoutADirectPair_GoThroughSpanish(string target, string expected)
    {
        Assert.DoesNotContain(("en", target), Translator.Pairs);
        var text = await Translator.TranslateAsync("The patient has a headache.", "en", target, CancellationToken.None);
        Assert.Contains(expected, text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TargetsForEnglish_AreTheInstalledPairsAndThoseReachedThroughSpanish()
    {
        var targets = Translator.TargetsFor("en");
        Assert.Contains("en", targets);
        Assert.Contains("es", targets);
        Assert.Contains("fr", targets);
        Assert.Contains("pt", targets);
        Assert.Contains("it", targets);
    }

    [Fact]
    public async Task UnsupportedTarget_IsRefusedListingTheSupportedOnes()
    {
        var ex = await Assert.ThrowsAsync<UnsupportedLanguageException>(() => Translator.TranslateAsync("hello", "en", "xx", CancellationToken.None));
        Assert.Contains("es", ex.Supported);
        Assert.Contains("'xx'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentSegments_EachGetTheirOwnTranslation_InOrder()
    {
        var numbers = Enumerable.Range(1, 30).ToArray();
        var results = await Task.WhenAll(numbers.Select(n => Translator.TranslateAsync($"The patient has {n} tablets.", "en", "es", CancellationToken.None)));
        for (var i = 0; i < numbers.Length; i++)
        {
            Assert.Contains(numbers[i].ToString(System.Globalization.CultureInfo.InvariantCulture) + " ", results[i] + " ", StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task PipelineThatDies_IsRestarted_AndTheSegmentIsStillTranslated()
    {
        await Translator.TranslateAsync("good morning.", "en", "es", CancellationToken.None);
        var pipeline = Translator.Pipeline("eng-spa");
        var starts = pipeline.Starts;
        var pid = pipeline.ProcessId!.Value;
        using (var process = Process.GetProcessById(pid))
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var spanish = await Translator.TranslateAsync("The patient has a headache.", "en", "es", CancellationToken.None);
        Assert.Contains("paciente", spanish, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(starts + 1, pipeline.Starts);
    }

    [Fact]
    public async Task ReservedCharacters_PassThrough()
    {
        var spanish = await Translator.TranslateAsync("Take 2 tablets [morning] and $5 a/b <c>", "en", "es", CancellationToken.None);
        Assert.Contains("[", spanish, StringComparison.Ordinal);
        Assert.Contains("$5", spanish, StringComparison.Ordinal);
        Assert.Contains("<c>", spanish, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SameLanguage_IsReturnedUnchanged() =>
        Assert.Equal("as it was", await Translator.TranslateAsync("as it was", "en", "en", CancellationToken.None));

    [Property(MaxTest = 300)]
    public bool Escape_ThenUnescape_GivesTheTextBack(NonNull<string> text)
    {
        var clean = new string([.. text.Get.Where(c => !char.IsControl(c))]);
        return ApertiumPipeline.Unescape(ApertiumPipeline.Escape(clean)) == clean;
    }
}
