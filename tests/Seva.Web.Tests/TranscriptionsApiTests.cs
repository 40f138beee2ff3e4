using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Seva.Web.Tests.Support;

namespace Seva.Web.Tests;

public sealed class TranscriptionsApiTests : ServerTest
{
    [Fact]
    public async Task Records_AreListedNewestFirst_Paged_AndOnlyToTheirOwner()
    {
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await DictateSilenceAsync(SevaServer.AliceKey, 0.5));
        }

        await DictateSilenceAsync(SevaServer.BobKey, 0.5);

        using var alice = Server.ApiClient(SevaServer.AliceKey);
        var first = (await alice.GetFromJsonAsync<JsonObject>("/api/v1/transcriptions?page=1&page_size=2"))!;
        var second = (await alice.GetFromJsonAsync<JsonObject>("/api/v1/transcriptions?page=2&page_size=2"))!;
        Assert.Equal(3, (int)first["total"]!);
        var listed = first["items"]!.AsArray().Concat(second["items"]!.AsArray()).Select(i => (string)i!["id"]!).ToList();
        Assert.Equal(Enumerable.Reverse(ids), listed);
        Assert.All(first["items"]!.AsArray(), i => Assert.Equal("alice@example.com", (string?)i!["user_id"]));

        using var bob = Server.ApiClient(SevaServer.BobKey);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/api/v1/transcriptions/{ids[0]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/api/v1/transcriptions/{ids[0]}/audio")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync($"/api/v1/transcriptions/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task Record_HasEveryColumnOfTheTranscriptionsTable()
    {
        var id = await DictateSilenceAsync(SevaServer.AliceKey, 0.5);
        using var api = Server.ApiClient(SevaServer.AliceKey);
        var record = (await api.GetFromJsonAsync<JsonObject>($"/api/v1/transcriptions/{id}"))!;
        string[] columns = ["id", "user_id", "session_id", "status", "transcript_text", "partial_transcript", "audio_key",
            "audio_duration_seconds", "sample_rate", "quality", "language", "specialty", "is_streaming", "word_count",
            "error_code", "created_at", "updated_at"];
        Assert.Equal(columns.Order(), record.Select(p => p.Key).Order());
        Assert.Equal("PRIMARYCARE", (string?)record["specialty"]);
        Assert.True((bool)record["is_streaming"]!);
    }

    [Fact]
    public async Task Audio_SupportsRangeRequests()
    {
        var id = await DictateSilenceAsync(SevaServer.AliceKey, 2);
        using var api = Server.ApiClient(SevaServer.AliceKey);
        var whole = await api.GetAsync($"/api/v1/transcriptions/{id}/audio");
        Assert.Equal("audio/mpeg", whole.Content.Headers.ContentType?.MediaType);
        var length = (await whole.Content.ReadAsByteArrayAsync()).Length;

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/transcriptions/{id}/audio");
        request.Headers.Range = new RangeHeaderValue(100, 199);
        var part = await api.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(100, (await part.Content.ReadAsByteArrayAsync()).Length);
        Assert.Equal(length, part.Content.Headers.ContentRange!.Length);
    }

    [Fact]
    public async Task Audio_WhoseObjectIsMissing_Is404SayingTheAudioIsNotAvailable_AndTheRecordKeepsItsKey()
    {
        var id = await DictateSilenceAsync(SevaServer.AliceKey, 0.5);
        using var api = Server.ApiClient(SevaServer.AliceKey);
        var key = (string)(await api.GetFromJsonAsync<JsonObject>($"/api/v1/transcriptions/{id}"))!["audio_key"]!;
        File.Delete(Path.Combine(Server.DataDirectory, key)); // as a crashed host's object that is not uploaded yet

        using var response = await api.GetAsync($"/api/v1/transcriptions/{id}/audio");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("audio_not_available", (string?)error["error"]);
        Assert.Contains("not in the audio store", (string?)error["message"], StringComparison.Ordinal);
        Assert.Equal(key, (string?)(await api.GetFromJsonAsync<JsonObject>($"/api/v1/transcriptions/{id}"))!["audio_key"]);

        using var unknown = await api.GetAsync($"/api/v1/transcriptions/{Guid.NewGuid()}/audio");
        Assert.Equal("not_found", (string?)(await unknown.Content.ReadFromJsonAsync<JsonObject>())!["error"]);
    }

    [Theory]
    [InlineData("page=0")]
    [InlineData("page_size=0")]
    [InlineData("page_size=101")]
    public async Task List_BadPaging_Is400NamingTheParameter(string query)
    {
        using var api = Server.ApiClient(SevaServer.AliceKey);
        var response = await api.GetAsync("/api/v1/transcriptions?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(query.Split('=')[0], (string?)body["field"]);
    }

    [Fact]
    public async Task Api_WithoutKey_Is401()
    {
        using var anonymous = new HttpClient { BaseAddress = Server.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/transcriptions")).StatusCode);
    }

    [Fact]
    public async Task HomePage_IsServed()
    {
        using var anonymous = new HttpClient { BaseAddress = Server.BaseAddress };
        var html = await anonymous.GetStringAsync("/");
        Assert.Contains("Seva", html, StringComparison.Ordinal);
        Assert.Contains("MudBlazor", html, StringComparison.Ordinal);
        Assert.Matches(@"Active dictations: \d+", html);
    }

    private async Task<string> DictateSilenceAsync(string key, double seconds)
    {
        await using var client = await DictationClient.ConnectAsync(Server, key);
        await client.StartAsync();
        await client.StreamAsync(Speech.Silence(seconds, 16000), 16000, realTime: false);
        await client.EndAsync();
        var complete = await client.WaitForTypeAsync("session_complete");
        return (string)complete["transcription_id"]!;
    }
}

public sealed class TranscriptionsTextAndDeleteTests : ServerTest
{
    [Fact]
    public async Task Text_DownloadsTheTranscript_AndDelete_RemovesRecordAndAudio()
    {
        await using var client = await DictationClient.ConnectAsync(Server);
        await client.StartAsync();
        await client.StreamAsync(Speech.Concat(Speech.Say("she has a history of diabetes"), Speech.Silence(1, 16000)), 16000, realTime: false);
        await client.EndAsync();
        var complete = await client.WaitForTypeAsync("session_complete");
        var id = (string)complete["transcription_id"]!;

        using var api = Server.ApiClient(SevaServer.AliceKey);
        var text = await api.GetAsync($"/api/v1/transcriptions/{id}/text");
        Assert.Equal("text/plain", text.Content.Headers.ContentType?.MediaType);
        Assert.Contains("diabetes", await text.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.EndsWith(".txt", text.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);

        using var bob = Server.ApiClient(SevaServer.BobKey);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.DeleteAsync($"/api/v1/transcriptions/{id}")).StatusCode);

        var audioFile = Path.Combine(Server.DataDirectory, (string)complete["audio_key"]!);
        Assert.True(File.Exists(audioFile));
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"/api/v1/transcriptions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/transcriptions/{id}")).StatusCode);
        Assert.False(File.Exists(audioFile));
    }
}
