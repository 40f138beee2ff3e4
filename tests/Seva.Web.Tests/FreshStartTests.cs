using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Seva.Actors.Storage;
using Seva.Actors.Tests.Support;
using Seva.Web.Tests.Support;

namespace Seva.Web.Tests;

/// <summary>The first start on an empty database, on each provider: the schema is there before anything
/// (Data Protection's key ring, the demo account) reads it, and nothing logs an error.</summary>
public sealed class FreshStartTests
{
    [SkippableTheory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task FirstStartOnAnEmptyDatabase_SignsInTheDemoUser_WithoutAnErrorInTheLogs(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateEmptyAsync(provider);
        var logs = new CapturingLoggerProvider();
        var settings = new Dictionary<string, string?>
        {
            ["Seva:Database:Provider"] = provider.ToString(),
            ["Seva:Database:ConnectionString"] = database.ConnectionString,
            ["Seva:DemoUser:Email"] = "demo@seva.test",
            ["Seva:DemoUser:Password"] = "Demo-pass-123",
        };
        await using (var server = new SevaServer(settings, services => services.AddSingleton<ILoggerProvider>(logs)))
        {
            using var browser = Browser.Create(server);
            Assert.Equal(HttpStatusCode.Redirect, (await Browser.SignInAsync(browser, "demo@seva.test", "Demo-pass-123")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/transcriptions")).StatusCode);
        }

        Assert.DoesNotContain(logs.Entries, l => l.Level >= LogLevel.Error);
    }
}
