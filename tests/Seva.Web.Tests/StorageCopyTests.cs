using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Seva.Actors.Storage;
using Seva.Actors.Tests.Support;
using Seva.Web.Features.Accounts;
using Seva.Web.Features.StorageCopy;
using Seva.Web.Tests.Support;

namespace Seva.Web.Tests;

/// <summary>Moving an installation on the embedded defaults to PostgreSQL and S3 (<c>--copy-from</c>):
/// a user of the old installation finds everything on the new one.</summary>
public sealed class StorageCopyTests
{
    public StorageCopyTests()
    {
        S3TestBucket.ExportCredentials();
    }

    [SkippableFact]
    public async Task CopyFromSqliteAndFiles_BringsAccountsKeysRecordsAndRecordings_AndASecondRunCopiesNothingTwice()
    {
        TestDatabase.PostgresAdminConnection();
        S3TestBucket.SkipWithoutServer();

        // The old installation: an account with an API key of its own, and a dictation with its MP3.
        var oldData = Path.Combine(Path.GetTempPath(), "seva-old-" + Guid.NewGuid().ToString("N"));
        string key;
        (UserAwsKey Record, string Secret) awsKey;
        string userId;
        string id;
        byte[] mp3;
        await using (var old = new SevaServer(new Dictionary<string, string?> { ["Seva:DataDirectory"] = oldData }))
        {
            using var scope = old.Services.CreateScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<SevaUser>>();
            var user = new SevaUser { UserName = "moved@seva.test", Email = "moved@seva.test" };
            Assert.True((await users.CreateAsync(user, "Moved-pass-42")).Succeeded);
            key = (await old.Services.GetRequiredService<ApiKeyService>().CreateAsync(user.Id, "old client", CancellationToken.None)).Key;
            awsKey = await old.Services.GetRequiredService<AwsKeyService>().CreateAsync(user.Id, "old AWS client", CancellationToken.None);
            userId = user.Id;
            await using var client = await DictationClient.ConnectAsync(old.StreamUri(), key);
            await client.StartAsync();
            await client.StreamAsync(Speech.Concat(Speech.Say("the wound is healing well"), Speech.Silence(1.5, 16000)), 16000, realTime: false);
            await client.EndAsync();
            var complete = await client.WaitForTypeAsync("session_complete", TimeSpan.FromSeconds(30));
            id = (string)complete["transcription_id"]!;
            mp3 = await File.ReadAllBytesAsync(Path.Combine(oldData, (string)complete["audio_key"]!));
        }

        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.PostgreSql);
        using var bucket = await S3TestBucket.CreateAsync();
        var settings = bucket.Settings();
        settings["Seva:Database:Provider"] = "PostgreSql";
        settings["Seva:Database:ConnectionString"] = database.ConnectionString;
        try
        {
            await using var target = new SevaServer(settings);
            var copy = target.Services.GetRequiredService<StorageCopy>();
            var first = await copy.RunAsync(oldData, CancellationToken.None);
            Assert.Equal(new StorageCopyResult(1, 1, 1, 0), first);

            // The old key works on the new storage and finds the record and its audio, byte for byte.
            using var api = target.ApiClient(key);
            var record = JsonNode.Parse(await api.GetStringAsync($"/api/v1/transcriptions/{id}"))!;
            Assert.Equal("COMPLETED", (string?)record["status"]);
            Assert.Contains("healing", (string?)record["transcript_text"], StringComparison.Ordinal);
            Assert.Equal(mp3, await api.GetByteArrayAsync($"/api/v1/transcriptions/{id}/audio"));
            Assert.Equal(mp3, await bucket.ReadObjectAsync((string)record["audio_key"]!));

            // ... so does the AWS key pair (its secret decrypts with the copied Data Protection keys) ...
            Assert.Equal((awsKey.Secret, userId), await target.Services.GetRequiredService<AwsKeyService>().FindAsync(awsKey.Record.AccessKeyId, CancellationToken.None));

            // ... and so does the password.
            using (var browser = Browser.Create(target))
            {
                Assert.Equal(HttpStatusCode.Redirect, (await Browser.SignInAsync(browser, "moved@seva.test", "Moved-pass-42")).StatusCode);
                Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/transcriptions")).StatusCode);
            }

            var again = await copy.RunAsync(oldData, CancellationToken.None);
            Assert.Equal(new StorageCopyResult(null, null, 0, 0), again);
            Assert.Single(await bucket.KeysAsync());
        }
        finally
        {
            Directory.Delete(oldData, recursive: true);
        }
    }

    [Fact]
    public async Task CopyFromAFolderWithoutADatabase_SaysWhatTheSettingNames()
    {
        await using var server = new SevaServer();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => server.Services.GetRequiredService<StorageCopy>().RunAsync("/nonexistent-seva", CancellationToken.None));
        Assert.Contains("--copy-from names the data directory", error.Message, StringComparison.Ordinal);
    }
}
