using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Seva.Actors.Tests.Support;
using Seva.Web.Tests.Support;

namespace Seva.Web.Tests;

/// <summary>A server configured with <c>Seva:AudioStore:Provider=S3</c> against the S3-compatible server the
/// test script starts (skipped, with the reason, where none was started). It finds its credentials as a
/// deployment does, through the AWS SDK's standard chain: here the environment variables.</summary>
public sealed class S3AudioApiTests
{
    public S3AudioApiTests()
    {
        S3TestBucket.ExportCredentials();
    }

    [SkippableFact]
    public async Task Audio_IsServedFromTheBucketWithRangeRequests_AndDeleteRemovesTheObject()
    {
        using var bucket = await S3TestBucket.CreateAsync();
        await using var server = new SevaServer(bucket.Settings());
        await using (var client = await DictationClient.ConnectAsync(server))
        {
            await client.StartAsync();
            await client.StreamAsync(Speech.Silence(2, 16000), 16000, realTime: false);
            await client.EndAsync();
            var complete = await client.WaitForTypeAsync("session_complete");
            var id = (string)complete["transcription_id"]!;
            var key = (string)complete["audio_key"]!;
            Assert.StartsWith("audio/alice_40example.com/", key, StringComparison.Ordinal);
            Assert.Equal([key], await bucket.KeysAsync());
            var stored = (await bucket.ReadObjectAsync(key))!;
            Assert.True(stored.Length > 1000, $"{stored.Length} bytes");

            using var api = server.ApiClient(SevaServer.AliceKey);
            using var whole = await api.GetAsync($"/api/v1/transcriptions/{id}/audio");
            Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
            Assert.Equal("audio/mpeg", whole.Content.Headers.ContentType?.MediaType);
            Assert.Equal(stored, await whole.Content.ReadAsByteArrayAsync());

            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/transcriptions/{id}/audio");
            request.Headers.Range = new RangeHeaderValue(100, 199);
            using var part = await api.SendAsync(request);
            Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
            Assert.Equal(stored[100..200], await part.Content.ReadAsByteArrayAsync());
            Assert.Equal(100, part.Content.Headers.ContentRange!.From);
            Assert.Equal(199, part.Content.Headers.ContentRange.To);
            Assert.Equal(stored.Length, part.Content.Headers.ContentRange.Length);

            Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"/api/v1/transcriptions/{id}")).StatusCode);
            Assert.Empty(await bucket.KeysAsync());
            Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/transcriptions/{id}/audio")).StatusCode);
        }
    }

    [SkippableFact]
    public async Task HealthReady_Is503_NamingTheBucket_WhenTheBucketDoesNotExist()
    {
        using var bucket = await S3TestBucket.CreateAsync();
        var settings = bucket.Settings();
        settings["Seva:AudioStore:S3:BucketName"] = "seva-missing-bucket";
        await using var server = new SevaServer(settings);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await http.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var audioStore = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["checks"]!["audio_store"]!;
        Assert.Equal("Unhealthy", (string?)audioStore["status"]);
        Assert.Contains("The S3 bucket 'seva-missing-bucket' does not exist", (string?)audioStore["description"], StringComparison.Ordinal);
    }
}
