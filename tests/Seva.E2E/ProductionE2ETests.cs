using Microsoft.Playwright;

namespace Seva.E2E;

/// <summary>The browser against the published Seva in Production (see <see cref="PublishedSeva"/>).</summary>
public sealed class PublishedBrowserFixture : BrowserFixtureBase
{
    public PublishedSeva Server { get; private set; } = null!;

    protected override async Task<Uri> StartServerAsync()
    {
        Server = await PublishedSeva.StartAsync(DemoUserSettings);
        return Server.BaseAddress;
    }

    protected override async ValueTask StopServerAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PublishedCollection : ICollectionFixture<PublishedBrowserFixture>
{
    public const string Name = "published";
}

/// <summary>What a new user gets from <c>scripts/run</c>: styled pages, a live circuit, dictation that works.</summary>
[Collection(PublishedCollection.Name)]
public sealed class ProductionE2ETests(PublishedBrowserFixture fixture)
{
    [Fact]
    public void PublishedServer_RunsInProduction()
    {
        Assert.Contains("Hosting environment: Production", fixture.Server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HomePage_EveryLinkedStylesheetAndScriptAnswers200_AndMudBlazorStylesApply()
    {
        var page = await fixture.NewPageAsync();
        try
        {
            var failed = new List<string>();
            page.Response += (_, r) =>
            {
                if (r.Status >= 400)
                {
                    failed.Add($"{r.Status} {r.Url}");
                }
            };
            await page.GotoAsync("");
            var assets = await page.EvaluateAsync<string[]>("""
                () => [...document.querySelectorAll('link[rel=stylesheet][href], script[src], link[rel~=icon][href]')]
                        .map(e => e.href || e.src)
                """);
            Assert.Contains(assets, a => a.Contains("MudBlazor", StringComparison.Ordinal) && a.EndsWith(".css", StringComparison.Ordinal));
            Assert.Contains(assets, a => a.Contains("blazor.web", StringComparison.Ordinal));
            foreach (var asset in assets)
            {
                var response = await page.APIRequest.GetAsync(asset);
                Assert.True(response.Status == 200, $"{asset} answered {response.Status}");
            }

            // MudBlazor's stylesheet is applied: its app bar is fixed to the top and its buttons are
            // flex boxes; without the stylesheet both are plain static/inline elements.
            var appBar = await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('header.mud-appbar')).position");
            Assert.Equal("fixed", appBar);
            var button = await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.mud-button-root')).display");
            Assert.Contains(button, new[] { "flex", "inline-flex" });
            Assert.Empty(failed);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task DemoUser_SignsIn_TheCircuitConnects_AndDictationShowsTheWords()
    {
        var page = await fixture.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        try
        {
            await DemoSignIn.SignInAsync(page);

            // Start is enabled only once the page is interactive, i.e. the circuit is up.
            await Assertions.Expect(page.Locator("[data-testid=start]")).ToBeEnabledAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
            await page.SelectOptionAsync("[data-testid=quality]", "medium");
            await page.ClickAsync("[data-testid=start]");
            await Assertions.Expect(page.Locator("[data-testid=status]")).ToHaveTextAsync("listening");
            await Assertions.Expect(page.Locator("[data-testid=transcript]")).ToContainTextAsync("diabetes", new() { Timeout = 30_000 });
            await page.ClickAsync("[data-testid=stop]");
            await Assertions.Expect(page.Locator("[data-testid=status]")).ToHaveTextAsync("saved", new() { Timeout = 30_000 });
            Assert.Empty(errors);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
