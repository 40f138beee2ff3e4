using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Seva.Web.Features.Accounts;
using Seva.Web.Tests.Support;

namespace Seva.Web.Tests;

public sealed class AccountsApiTests : ServerTest
{
    [Fact]
    public async Task UserApiKey_OpensTheApis_UntilRevoked()
    {
        var keys = Server.Services.GetRequiredService<ApiKeyService>();
        var (record, key) = await keys.CreateAsync("user-42", "my script", CancellationToken.None);
        Assert.StartsWith(ApiKeyService.KeyPrefix, key, StringComparison.Ordinal);
        Assert.DoesNotContain(key, record.KeyHash, StringComparison.Ordinal);

        using var api = Server.ApiClient(key);
        var page = (await api.GetFromJsonAsync<JsonObject>("/api/v1/transcriptions"))!;
        Assert.Equal(0, (int)page["total"]!);

        await using (var client = await DictationClient.ConnectAsync(Server, key))
        {
            await client.StartAsync();
            await client.EndAsync();
            await client.WaitForTypeAsync("session_complete");
        }

        var mine = (await api.GetFromJsonAsync<JsonObject>("/api/v1/transcriptions"))!;
        Assert.Equal("user-42", (string?)mine["items"]![0]!["user_id"]);

        Assert.True(await keys.RevokeAsync("user-42", record.Id, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/v1/transcriptions")).StatusCode);
    }

    [Fact]
    public async Task RevokingSomeoneElsesKey_DoesNothing()
    {
        var keys = Server.Services.GetRequiredService<ApiKeyService>();
        var (record, key) = await keys.CreateAsync("owner", "k", CancellationToken.None);
        Assert.False(await keys.RevokeAsync("intruder", record.Id, CancellationToken.None));
        using var api = Server.ApiClient(key);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/transcriptions")).StatusCode);
    }

    [Fact]
    public async Task DemoUser_IsCreatedAtStartUp_AndCanSignIn()
    {
        await using var server = new SevaServer(new Dictionary<string, string?>
        {
            ["Seva:DemoUser:Email"] = "demo@example.com",
            ["Seva:DemoUser:Password"] = "Demo-pass-123",
        });
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = server.BaseAddress };
        var response = await Browser.SignInAsync(browser, "demo@example.com", "Demo-pass-123");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.EndsWith("dictation", response.Headers.Location!.ToString(), StringComparison.Ordinal);

        // the sign-in cookie opens the REST API too (the pages play audio from it)
        var api = await browser.GetAsync("/api/v1/transcriptions");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }

    [Fact]
    public async Task SignInCookie_StillWorksAfterARestart_ItsKeysLiveInTheDatabase()
    {
        var data = Path.Combine(Path.GetTempPath(), "seva-keys-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?>
        {
            ["Seva:DataDirectory"] = data,
            ["Seva:DemoUser:Email"] = "demo@example.com",
            ["Seva:DemoUser:Password"] = "Demo-pass-123",
        };
        var cookies = new CookieContainer();
        try
        {
            await using (var first = new SevaServer(settings))
            {
                using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = first.BaseAddress };
                Assert.Equal(HttpStatusCode.Redirect, (await Browser.SignInAsync(browser, "demo@example.com", "Demo-pass-123")).StatusCode);
            }

            Assert.False(Directory.Exists(Path.Combine(data, "keys")), "the keys went to files, not to the database other hosts share");
            Assert.NotEmpty(KeyNames(data));
            await using var second = new SevaServer(settings);
            var old = cookies.GetAllCookies().Select(c => new Cookie(c.Name, c.Value, "/", second.BaseAddress.Host)).ToList();
            var again = new CookieContainer();
            old.ForEach(again.Add);
            using var returning = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = again }) { BaseAddress = second.BaseAddress };
            Assert.Equal(HttpStatusCode.OK, (await returning.GetAsync("/api/v1/transcriptions")).StatusCode);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task KeysAnEarlierVersionKeptInTheDataDirectory_MoveIntoTheDatabase()
    {
        var data = Path.Combine(Path.GetTempPath(), "seva-keys-" + Guid.NewGuid().ToString("N"));
        try
        {
            // What versions before the shared key store left behind: a key ring in {DataDirectory}/keys.
            var keys = new DirectoryInfo(Path.Combine(data, "keys"));
            var earlier = DataProtectionProvider.Create(keys, b => b.SetApplicationName("Seva")).CreateProtector("test");
            _ = earlier.Protect("the first use makes the key");
            var keyFile = Path.GetFileNameWithoutExtension(Assert.Single(keys.GetFiles("key-*.xml")).Name);

            await using (new SevaServer(new Dictionary<string, string?> { ["Seva:DataDirectory"] = data }))
            {
                Assert.Contains(keyFile, KeyNames(data));
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static List<string> KeyNames(string data)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(data, "seva.db")};Pooling=false");
        connection.Open();
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT FriendlyName FROM data_protection_keys";
        using var reader = query.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
