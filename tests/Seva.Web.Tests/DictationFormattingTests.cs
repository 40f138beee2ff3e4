using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Seva.Actors.Formatting;
using Seva.Web.Features.Accounts;
using Seva.Web.Tests.Support;

namespace Seva.Web.Tests;

/// <summary>Clinical dictation over the WebSocket API with flite speaking the commands: finals carry the
/// formatted <c>text</c> and the recognised <c>raw_text</c>, "scratch that" retracts, the record keeps the
/// words with their times. Audio goes at real-time pace: a burst fills the decode queue, and the server's
/// overload guard then refuses the class's next session.</summary>
public sealed class DictationFormattingTests : ServerTest
{
    [Fact]
    public async Task DictatedNote_FinalReadsAsWritten_WithAParagraphBreak_AndTheWordsFallInsideTheAudio()
    {
        var audio = Speech.Concat(Speech.Say("blood pressure is one forty over ninety period new paragraph"), Speech.Silence(1.5, 16000));

        await using var client = await DictationClient.ConnectAsync(Server);
        await client.StartAsync();
        await client.StreamAsync(audio, 16000);
        await client.EndAsync();
        var complete = await client.WaitForTypeAsync("session_complete", TimeSpan.FromSeconds(30));

        var final = Assert.Single(client.Finals);
        Assert.Equal("blood pressure is one forty over ninety period new paragraph", (string?)final["raw_text"]);
        Assert.Equal("Blood pressure is 140/90.\n\n", (string?)final["text"]);

        using var api = Server.ApiClient(SevaServer.AliceKey);
        var id = (string)complete["transcription_id"]!;
        var record = (await api.GetFromJsonAsync<JsonObject>($"/api/v1/transcriptions/{id}"))!;
        Assert.Equal("Blood pressure is 140/90.\n\n", (string?)record["transcript_text"]);
        Assert.Equal(4, (int)record["word_count"]!);

        var words = (await api.GetFromJsonAsync<JsonObject>($"/api/v1/transcriptions/{id}/words"))!["words"]!.AsArray();
        Assert.Equal(10, words.Count);
        var duration = (double)complete["total_duration"]!;
        double previousEnd = 0;
        foreach (var word in words)
        {
            var (start, end) = ((double)word!["start"]!, (double)word["end"]!);
            Assert.InRange(start, previousEnd - 0.001, end);
            Assert.InRange(end, start, duration);
            Assert.InRange((double)word["confidence"]!, 0, 1);
            previousEnd = end;
        }

        Assert.Equal(["Blood", "pressure", "is", "140/90", "140/90", "140/90", "140/90", ".", "\n\n", "\n\n"], words.Select(w => (string?)w!["token"]));
    }

    [Fact]
    public async Task ScratchThat_RetractsThePreviousFinal_OnTheSocketAndInTheRecord()
    {
        var audio = Speech.Concat(
            Speech.Say("the patient has a fever period"), Speech.Silence(1.2, 16000),
            Speech.Say("scratch that"), Speech.Silence(1.2, 16000),
            Speech.Say("no fever period"), Speech.Silence(1.5, 16000));

        await using var client = await DictationClient.ConnectAsync(Server);
        await client.StartAsync();
        await client.StreamAsync(audio, 16000);
        await client.EndAsync();
        var complete = await client.WaitForTypeAsync("session_complete", TimeSpan.FromSeconds(30));

        var first = client.Finals[0];
        Assert.Equal("The patient has a fever.", (string?)first["text"]);
        var retracted = Assert.Single(client.OfType("transcript_retracted"));
        Assert.Equal([(string?)first["segment_id"]], retracted["segment_ids"]!.AsArray().Select(s => (string?)s));

        using var api = Server.ApiClient(SevaServer.AliceKey);
        var record = (await api.GetFromJsonAsync<JsonObject>($"/api/v1/transcriptions/{complete["transcription_id"]}"))!;
        Assert.Equal("No fever.", (string?)record["transcript_text"]);
        var words = (await api.GetFromJsonAsync<JsonObject>($"/api/v1/transcriptions/{complete["transcription_id"]}/words"))!["words"]!.AsArray();
        Assert.DoesNotContain(words, w => (string?)w!["word"] == "patient");
    }

    [Fact]
    public async Task FormattingFalse_FinalsAreTheRecognisedWords()
    {
        await using var client = await DictationClient.ConnectAsync(Server);
        await client.SendJsonAsync(new { type = "session_start", formatting = false });
        await client.WaitForTypeAsync("session_ack");
        await client.StreamAsync(Speech.Concat(Speech.Say("the patient has a fever period"), Speech.Silence(1.5, 16000)), 16000);
        await client.EndAsync();
        await client.WaitForTypeAsync("session_complete", TimeSpan.FromSeconds(30));

        var final = Assert.Single(client.Finals);
        Assert.Equal("the patient has a fever period", (string?)final["text"]);
        Assert.Equal((string?)final["raw_text"], (string?)final["text"]);
    }

    [Fact]
    public async Task UserWhoTurnedFormattingOff_GetsTheRecognisedWordsOverTheApi_UnlessASessionAsksOtherwise()
    {
        using var scope = Server.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<SevaUser>>();
        var user = new SevaUser { UserName = "raw@seva.test", Email = "raw@seva.test" };
        Assert.True((await users.CreateAsync(user, "Raw-pass-1234")).Succeeded);
        var (_, key) = await Server.Services.GetRequiredService<ApiKeyService>().CreateAsync(user.Id, "raw client", CancellationToken.None);
        await Server.Services.GetRequiredService<DictationPreferences>().SaveAsync(user.Id, FormattingOptions.Off, CancellationToken.None);
        var spoken = Speech.Concat(Speech.Say("the patient has a fever period"), Speech.Silence(1.5, 16000));

        await using (var client = await DictationClient.ConnectAsync(Server.StreamUri(), key))
        {
            await client.StartAsync();
            await client.StreamAsync(spoken, 16000);
            await client.EndAsync();
            await client.WaitForTypeAsync("session_complete", TimeSpan.FromSeconds(30));
            Assert.Equal("the patient has a fever period", (string?)Assert.Single(client.Finals)["text"]);
        }

        await using (var client = await DictationClient.ConnectAsync(Server.StreamUri(), key))
        {
            await client.SendJsonAsync(new { type = "session_start", formatting = true });
            await client.WaitForTypeAsync("session_ack");
            await client.StreamAsync(spoken, 16000);
            await client.EndAsync();
            await client.WaitForTypeAsync("session_complete", TimeSpan.FromSeconds(30));
            Assert.Equal("The patient has a fever.", (string?)Assert.Single(client.Finals)["text"]);
        }
    }

    [Fact]
    public async Task FormattingNotABoolean_IsRefusedNamingTheField_AndTheSocketTakesTheNextStart()
    {
        await using var client = await DictationClient.ConnectAsync(Server);
        await client.SendJsonAsync(new { type = "session_start", formatting = "yes" });
        var error = await client.WaitForErrorAsync("INVALID_MESSAGE");
        Assert.Equal("formatting: must be true or false, not string", (string?)error["message"]);

        var ack = await client.StartAsync();
        Assert.Equal("session_ack", (string?)ack["type"]);
    }
}
