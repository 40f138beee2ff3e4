using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Seva.Actors.Storage;
using Seva.Actors.Tests.Support;
using Seva.Web.Tests.Support;

namespace Seva.E2E;

/// <summary>Two published Seva processes on different ports sharing one PostgreSQL database and one S3
/// bucket (the servers scripts/test starts), as a clinic runs them behind a load balancer (issue 13).</summary>
public sealed partial class MultiHostTests
{
    private const string Password = "Clinic-pass-42";

    [SkippableFact]
    public async Task TwoHostsShareAccountsRecordsAndAudio_AndOneFailsTheOpenRecordOfTheOtherWhenItIsKilled()
    {
        // Each skips, visibly, where scripts/test did not start its server.
        await using var database = await TestDatabase.CreateEmptyAsync(DatabaseProvider.PostgreSql);
        using var bucket = await S3TestBucket.CreateAsync();
        var settings = Settings(database, bucket);
        await using var hostA = await PublishedSeva.StartAsync(settings);
        await using var hostB = await PublishedSeva.StartAsync(settings);

        // An account made on A, and an API key made on A's page.
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = BrowserFixtureBase.CommonArgs });
        var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var email = $"clinician-{Guid.NewGuid():N}@seva.test";
        await page.GotoAsync(new Uri(hostA.BaseAddress, "Account/Register").ToString());
        await page.FillAsync("[name='Input.Email']", email);
        await page.FillAsync("[name='Input.Password']", Password);
        await page.FillAsync("[name='Input.ConfirmPassword']", Password);
        await page.ClickAsync("[data-testid=register-submit]");
        await page.WaitForURLAsync(DictationUrl());
        await page.GotoAsync(new Uri(hostA.BaseAddress, "account/api-keys").ToString());
        var name = page.Locator("[data-testid=api-key-name]").Locator("xpath=self::input | .//input").First;
        var create = page.Locator("[data-testid=api-key-create]");

        // The prerendered page takes no input until its circuit is up: type again until the button,
        // enabled once the field has a name, says the page has it.
        for (var attempt = 0; attempt < 30 && !await create.IsEnabledAsync(); attempt++)
        {
            await name.FillAsync("dictation client");
            await name.PressAsync("Tab");
            await page.WaitForTimeoutAsync(500);
        }

        await create.ClickAsync();
        var key = await page.Locator("[data-testid=api-key-value]").InnerTextAsync();

        // A dictation on A, over the WebSocket API with that key.
        var spoken = Speech.Concat(Speech.Say("she has a history of diabetes and high blood pressure"), Speech.Silence(1.5, 16000));
        string id;
        string audioKey;
        await using (var client = await DictationClient.ConnectAsync(StreamUri(hostA), key))
        {
            id = (string)(await client.StartAsync())["job_id"]!;
            await client.StreamAsync(spoken, 16000, realTime: false);
            await client.EndAsync();
            var complete = await client.WaitForTypeAsync("session_complete", TimeSpan.FromSeconds(30));
            audioKey = (string)complete["audio_key"]!;
        }

        // B: the same browser's cookie (made by A) opens B's history, which lists A's dictation.
        await page.GotoAsync(new Uri(hostB.BaseAddress, "history").ToString());
        await Assertions.Expect(page.Locator("[data-testid=history-row]")).ToHaveCountAsync(1);
        await page.Locator("[data-testid=history-row]").First.ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=detail-transcript]")).ToContainTextAsync("diabetes");

        // B serves the audio from the bucket, with range requests; A's key works on B.
        var stored = await bucket.ReadObjectAsync(audioKey);
        Assert.NotNull(stored);
        using var b = Http(hostB, key);
        var record = JsonNode.Parse(await b.GetStringAsync($"api/v1/transcriptions/{id}"))!;
        Assert.Equal(("COMPLETED", audioKey), ((string?)record["status"], (string?)record["audio_key"]));
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/transcriptions/{id}/audio"))
        {
            request.Headers.Range = new RangeHeaderValue(100, 199);
            using var partial = await b.SendAsync(request);
            Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
            Assert.Equal(stored[100..200], await partial.Content.ReadAsByteArrayAsync());
        }

        Assert.InRange(Speech.Mp3Duration(await b.GetByteArrayAsync($"api/v1/transcriptions/{id}/audio"), out _), spoken.Length / 16000.0 - 0.5, spoken.Length / 16000.0 + 0.2);

        // A is killed mid-dictation: B fails A's open record once A's lease runs out, keeping its text.
        string open;
        await using (var client = await DictationClient.ConnectAsync(StreamUri(hostA), key))
        {
            open = (string)(await client.StartAsync())["job_id"]!;
            await client.StreamAsync(spoken, 16000, realTime: false);
            await client.WaitForAsync(m => (string?)m["type"] == "transcription_result" && !(bool)m["is_partial"]!, TimeSpan.FromSeconds(30));

            // A final goes to the client as its save is queued: the kill comes once the record has it.
            using var a = Http(hostA, key);
            await Poll.UntilAsync(async () => JsonNode.Parse(await a.GetStringAsync($"api/v1/transcriptions/{open}"))!, r => ((string?)r["transcript_text"])?.Contains("diabetes", StringComparison.Ordinal) == true, TimeSpan.FromSeconds(15));
            await hostA.KillHardAsync();
        }

        var failed = await Poll.UntilAsync(async () => JsonNode.Parse(await b.GetStringAsync($"api/v1/transcriptions/{open}"))!, r => (string?)r["status"] == "FAILED", TimeSpan.FromSeconds(30));
        Assert.Equal("SERVER_RESTARTED", (string?)failed["error_code"]);
        Assert.Contains("diabetes", (string?)failed["transcript_text"], StringComparison.Ordinal);

        // Deleting on B removes the object from the bucket.
        Assert.Equal(HttpStatusCode.NoContent, (await b.DeleteAsync($"api/v1/transcriptions/{id}")).StatusCode);
        Assert.Null(await bucket.ReadObjectAsync(audioKey));
    }

    private static Dictionary<string, string?> Settings(TestDatabase database, S3TestBucket bucket) => new(bucket.Settings())
    {
        ["Seva:Database:Provider"] = "PostgreSql",
        ["Seva:Database:ConnectionString"] = database.ConnectionString,
        ["Seva:Database:Lease"] = "00:00:03",
        ["Seva:AudioStore:S3:Region"] = "us-east-1",
        ["AWS_ACCESS_KEY_ID"] = S3TestBucket.AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = S3TestBucket.SecretKey,
    };

    private static HttpClient Http(PublishedSeva seva, string key)
    {
        var http = new HttpClient { BaseAddress = seva.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    private static Uri StreamUri(PublishedSeva seva) =>
        new UriBuilder(new Uri(seva.BaseAddress, "api/v1/dictation/stream")) { Scheme = "ws" }.Uri;

    [GeneratedRegex(".*/dictation$")]
    private static partial Regex DictationUrl();
}
