using Bunit;
using Seva.Actors.Dictation;
using Seva.Web.Features.Dictation;
using Seva.Web.Tests.Support;

namespace Seva.Web.Tests.Components;

public sealed class TranscriptViewTests : IAsyncLifetime
{
    private readonly BunitContext _bunit = new();

    public TranscriptViewTests() => _bunit.AddSevaTestServices();

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services are only asynchronously disposable.
    public async Task DisposeAsync() => await _bunit.DisposeAsync();

    private IRenderedComponent<TranscriptView> Render(TranscriptModel model) =>
        _bunit.Render<TranscriptView>(p => p.Add(v => v.Model, model));

    [Fact]
    public void Partial_IsHighlighted_AndReplacedInPlace_ThenTheFinalTakesItsPlace()
    {
        var model = new TranscriptModel();
        var view = Render(model);

        model.Apply(new DictationResult("a", true, "the pay", 0, 0, 1));
        view.Render();
        Assert.Equal("the pay", view.Find("[data-testid=partial]").TextContent);

        model.Apply(new DictationResult("a", true, "the patient is", 0, 0, 1));
        view.Render();
        Assert.Single(view.FindAll("[data-testid=partial]"));
        Assert.Equal("the patient is", view.Find("[data-testid=partial]").TextContent);

        model.Apply(new DictationResult("a", false, "the patient is well", 0.8, 0, 2));
        view.Render();
        Assert.Empty(view.FindAll("[data-testid=partial]"));
        Assert.Equal("the patient is well", view.Find("[data-testid=transcript]").TextContent);

        model.Apply(new DictationResult("b", true, "blood", 0, 3, 4));
        view.Render();
        Assert.Equal("the patient is well blood", view.Find("[data-testid=transcript]").TextContent);
        Assert.Equal("blood", view.Find("[data-testid=partial]").TextContent);
    }

    [Fact]
    public void Copy_IsDisabledUntilThereIsText()
    {
        var model = new TranscriptModel();
        var view = Render(model);
        Assert.True(view.Find("[data-testid=copy]").HasAttribute("disabled"));
        model.Apply(new DictationResult("a", false, "words", 1, 0, 1));
        view.Render();
        Assert.False(view.Find("[data-testid=copy]").HasAttribute("disabled"));
    }
}
