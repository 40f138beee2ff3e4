using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Seva.Web.Features.Accounts;
using Seva.Actors.Tests.Support;
using Seva.Web.Tests.Support;

namespace Seva.Web.Tests.AwsCompat;

/// <summary>The real @aws-sdk/client-transcribe-streaming (tests/aws-client/transcribe.mjs) against a real Seva:
/// a program written for Amazon Transcribe Streaming, with only its endpoint and credentials changed.</summary>
public sealed class AwsSdkStreamingTests(AwsCompatServer seva) : IClassFixture<AwsCompatServer>
{
    private static List<JsonElement> Results(JsonElement sdk) =>
        [.. sdk.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("TranscriptEvent").GetProperty("Transcript").GetProperty("Results")[0])];

    private static string Text(JsonElement result) => result.GetProperty("Alternatives")[0].GetProperty("Transcript").GetString()!;

    private static List<JsonElement> Items(JsonElement result) => [.. result.GetProperty("Alternatives")[0].GetProperty("Items").EnumerateArray()];

    private static string Joined(IEnumerable<JsonElement> finals) => Joined(string.Join(' ', finals.Select(Text)));

    private static string Joined(string text) => string.Join(' ', text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries));

    private static void AssertNoError(JsonElement sdk) =>
        Assert.False(sdk.TryGetProperty("error", out var error), $"the SDK threw {error}");

    /// <summary>Partials first, then finals; the finals hold the spoken words.</summary>
    private static List<JsonElement> AssertPartialsThenFinals(JsonElement sdk)
    {
        AssertNoError(sdk);
        var results = Results(sdk);
        Assert.NotEmpty(results);
        Assert.True(results[0].GetProperty("IsPartial").GetBoolean(), "the first result should be a partial");
        var finals = results.Where(r => !r.GetProperty("IsPartial").GetBoolean()).ToList();
        Assert.NotEmpty(finals);
        var spoken = string.Join(' ', finals.Select(Text)).ToLowerInvariant();
        Assert.All(["patient", "chest", "pain"], word => Assert.Contains(word, spoken, StringComparison.Ordinal));
        return finals;
    }

    private async Task<JsonElement> RecordOfSessionAsync(string sessionId) =>
        (await Poll.UntilAsync(seva.RecordsAsync, records => records.Any(r => r.GetProperty("session_id").GetString() == sessionId && r.GetProperty("status").GetString() == "COMPLETED")))
        .Single(r => r.GetProperty("session_id").GetString() == sessionId);

    [Fact]
    public async Task Http2Stream_OfASpokenSentence_GivesPartialsThenAFinalWithTimedWords_KeptInHistoryWithItsAudio()
    {
        var sdk = await SdkClient.TranscribeAsync(seva.Scenario(("chunkBytes", 3201), ("stabilization", true)), seva.SpokenSentence);

        var finals = AssertPartialsThenFinals(sdk);
        var output = sdk.GetProperty("output");
        Assert.Equal(("en-US", 16000, "pcm", true), (output.GetProperty("LanguageCode").GetString(), output.GetProperty("MediaSampleRateHertz").GetInt32(), output.GetProperty("MediaEncoding").GetString(), output.GetProperty("EnablePartialResultsStabilization").GetBoolean()));
        var words = finals.SelectMany(Items).Where(i => i.GetProperty("Type").GetString() == "pronunciation").ToList();
        Assert.True(words.Count >= 5, $"word items: {words.Count}");
        var starts = words.Select(w => w.GetProperty("StartTime").GetDouble()).ToList();
        Assert.Equal(starts.Order(), starts);
        var audioSeconds = seva.SpokenSentence.Length / 16000.0;
        Assert.All(words, w =>
        {
            Assert.InRange(w.GetProperty("StartTime").GetDouble(), 0, w.GetProperty("EndTime").GetDouble());
            Assert.InRange(w.GetProperty("EndTime").GetDouble(), 0, audioSeconds);
            Assert.InRange(w.GetProperty("Confidence").GetDouble(), 0, 1);
            Assert.True(w.GetProperty("Stable").GetBoolean());
        });
        Assert.Equal("punctuation", Items(finals[^1])[^1].GetProperty("Type").GetString());

        var record = await RecordOfSessionAsync(output.GetProperty("SessionId").GetString()!);
        Assert.Equal(("medium", 16000, true), (record.GetProperty("quality").GetString(), record.GetProperty("sample_rate").GetInt32(), record.GetProperty("is_streaming").GetBoolean()));
        Assert.Equal(Joined(finals), Joined(record.GetProperty("transcript_text").GetString()!));
        using var api = seva.Server.ApiClient(SevaServer.AliceKey);
        var id = record.GetProperty("id").GetString();
        var mp3 = await api.GetByteArrayAsync($"/api/v1/transcriptions/{id}/audio");
        Assert.InRange(Speech.Mp3Duration(mp3, out _), audioSeconds - 0.3, audioSeconds + 0.3);
        var kept = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/transcriptions/{id}/words")).GetProperty("words").EnumerateArray().ToList();
        Assert.Equal(words.Count, kept.Count);
        Assert.Equal(starts, kept.Select(w => w.GetProperty("start").GetDouble()));
    }

    [Fact]
    public async Task WebSocketStream_FromTheSdksWebSocketHandler_IsTranscribedAndKept()
    {
        var sessionId = Guid.NewGuid().ToString();
        var sdk = await SdkClient.TranscribeAsync(
            seva.Scenario(("transport", "websocket"), ("endpoint", seva.Server.BaseAddress.ToString().TrimEnd('/')), ("sessionId", sessionId)), seva.SpokenSentence);

        var finals = AssertPartialsThenFinals(sdk);
        Assert.NotEmpty(finals.SelectMany(Items));
        var record = await RecordOfSessionAsync(sessionId);
        Assert.Equal(Joined(finals), Joined(record.GetProperty("transcript_text").GetString()!));
        Assert.NotNull(record.GetProperty("audio_key").GetString());
    }

    [Fact]
    public async Task MedicalStream_IsTranscribed_WithoutLanguageCodeInResults_AndKeptWithItsSpecialty()
    {
        var sdk = await SdkClient.TranscribeAsync(seva.Scenario(("operation", "medical")), seva.SpokenSentence);

        var finals = AssertPartialsThenFinals(sdk);
        Assert.All(Results(sdk), r => Assert.False(r.TryGetProperty("LanguageCode", out _)));
        var output = sdk.GetProperty("output");
        Assert.Equal(("PRIMARYCARE", "DICTATION"), (output.GetProperty("Specialty").GetString(), output.GetProperty("Type").GetString()));
        var record = await RecordOfSessionAsync(output.GetProperty("SessionId").GetString()!);
        Assert.Equal("PRIMARYCARE", record.GetProperty("specialty").GetString());
        Assert.NotEmpty(finals);
    }

    [Theory]
    [InlineData(1234, "1 validation error detected: Value '1234' at 'mediaSampleRateHertz' failed to satisfy constraint: Member must have value greater than or equal to 8000")]
    [InlineData(44100, "Seva records at 8000, 16000, 48000 Hz; sample-rate 44100 is not one of them: resample the audio to one of these rates.")]
    public async Task Http2Stream_AtASampleRateSevaDoesNotRecordAt_IsRefusedWithBadRequestException(int sampleRate, string message)
    {
        var sdk = await SdkClient.TranscribeAsync(seva.Scenario(("sampleRate", sampleRate)), new short[3200]);

        var error = sdk.GetProperty("error");
        Assert.Equal(("BadRequestException", message, 400), (error.GetProperty("name").GetString(), error.GetProperty("message").GetString(), error.GetProperty("httpStatusCode").GetInt32()));
    }

    [Fact]
    public async Task Stream_SignedWithAWrongSecret_IsRefusedAsTheSdkReportsAccessDenied_AndStartsNoSession()
    {
        var before = (await seva.RecordsAsync()).Count;
        var wrong = new { accessKeyId = AwsCompatServer.AccessKeyId, secretAccessKey = "notTheSecret/0123456789+abcdefghijklmn" };

        var http2 = await SdkClient.TranscribeAsync(seva.Scenario(("credentials", wrong)), seva.SpokenSentence);
        var webSocket = await SdkClient.TranscribeAsync(seva.Scenario(("credentials", wrong), ("transport", "websocket"), ("endpoint", seva.Server.BaseAddress.ToString().TrimEnd('/'))), seva.SpokenSentence);

        var error = http2.GetProperty("error");
        Assert.Equal(("InvalidSignatureException", 403), (error.GetProperty("name").GetString(), error.GetProperty("httpStatusCode").GetInt32()));
        Assert.StartsWith("The request signature we calculated does not match", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("InvalidSignatureException", webSocket.GetProperty("error").GetProperty("name").GetString());
        Assert.Empty(Results(webSocket));
        Assert.Equal(before, (await seva.RecordsAsync()).Count);
    }

    [Fact]
    public async Task KeyPair_AUserCreated_SignsStreamsAsThatUser_KeptEncrypted_AndRefusedOnceRevoked()
    {
        var keys = seva.Server.Services.GetRequiredService<AwsKeyService>();
        var (key, secret) = await keys.CreateAsync("alice@example.com", "dictation app", CancellationToken.None);
        var credentials = new { accessKeyId = key.AccessKeyId, secretAccessKey = secret };
        var silence = Speech.Silence(0.5, 16000);

        var used = await SdkClient.TranscribeAsync(seva.Scenario(("credentials", credentials)), silence);
        await keys.RevokeAsync("alice@example.com", key.Id, CancellationToken.None);
        var revoked = await SdkClient.TranscribeAsync(seva.Scenario(("credentials", credentials)), silence);

        AssertNoError(used);
        await RecordOfSessionAsync(used.GetProperty("output").GetProperty("SessionId").GetString()!);
        Assert.Matches("^AKIA[A-Z2-7]{16}$", key.AccessKeyId);
        Assert.Equal(40, secret.Length);
        await using (var db = await seva.Server.Services.GetRequiredService<IDbContextFactory<AccountsDbContext>>().CreateDbContextAsync())
        {
            var stored = await db.AwsKeys.SingleAsync(k => k.Id == key.Id);
            Assert.DoesNotContain(secret, stored.ProtectedSecret, StringComparison.Ordinal);
        }

        Assert.Equal(("UnrecognizedClientException", 403), (revoked.GetProperty("error").GetProperty("name").GetString(), revoked.GetProperty("error").GetProperty("httpStatusCode").GetInt32()));
    }

    [Fact]
    public async Task Stream_WithoutAudioFor15Seconds_EndsWithAwsTimeoutException_AfterTheFinalsOfWhatCame()
    {
        var sdk = await SdkClient.TranscribeAsync(seva.Scenario(("stallSeconds", 17)), seva.SpokenSentence);

        var error = sdk.GetProperty("error");
        Assert.Equal(("BadRequestException", "Your request timed out because no new audio was received for 15 seconds."), (error.GetProperty("name").GetString(), error.GetProperty("message").GetString()));
        Assert.Contains(Results(sdk), r => !r.GetProperty("IsPartial").GetBoolean() && Text(r).Contains("chest", StringComparison.OrdinalIgnoreCase));
        var completed = await RecordOfSessionAsync(sdk.GetProperty("output").GetProperty("SessionId").GetString()!);
        Assert.Contains("chest", completed.GetProperty("transcript_text").GetString()!, StringComparison.OrdinalIgnoreCase);
    }
}
