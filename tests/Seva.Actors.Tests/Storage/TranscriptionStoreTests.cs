using Seva.Actors.Storage;
using Seva.Actors.Tests.Support;

namespace Seva.Actors.Tests.Storage;

[Collection(EngineCollection.Name)]
public sealed class TranscriptionStoreTests(EngineFixture fixture)
{
    [Fact]
    public async Task List_Search_MatchesTranscriptOrSpecialty_AndTreatsWildcardsLiterally()
    {
        await using var harness = new ActorHarness(fixture.Engine);
        await AddAsync(harness, "the patient has diabetes", "ENDOCRINOLOGY");
        await AddAsync(harness, "the wound is healing", "WOUNDCARE");
        await AddAsync(harness, "dose raised to 50% today", null);

        Assert.Equal(1, (await harness.Records.ListAsync("user-1", 1, 10, CancellationToken.None, "diabetes")).Total);
        Assert.Equal(1, (await harness.Records.ListAsync("user-1", 1, 10, CancellationToken.None, "woundcare")).Total);
        Assert.Equal(1, (await harness.Records.ListAsync("user-1", 1, 10, CancellationToken.None, "50%")).Total);
        Assert.Equal(0, (await harness.Records.ListAsync("user-1", 1, 10, CancellationToken.None, "%_%")).Total);
        Assert.Equal(3, (await harness.Records.ListAsync("user-1", 1, 10, CancellationToken.None, " ")).Total);
        Assert.Equal(0, (await harness.Records.ListAsync("someone-else", 1, 10, CancellationToken.None, "diabetes")).Total);
    }

    [Fact]
    public async Task Delete_OnlyTheOwnersRecord()
    {
        await using var harness = new ActorHarness(fixture.Engine);
        var id = await AddAsync(harness, "text", null);
        Assert.Null(await harness.Records.DeleteAsync("someone-else", id, CancellationToken.None));
        Assert.NotNull(await harness.Records.DeleteAsync("user-1", id, CancellationToken.None));
        Assert.Null(await harness.Records.FindAsync("user-1", id, CancellationToken.None));
    }

    private static async Task<Guid> AddAsync(ActorHarness harness, string text, string? specialty)
    {
        var id = Guid.CreateVersion7();
        await harness.Records.CreateAsync(new TranscriptionRecord { Id = id, UserId = "user-1", SessionId = id.ToString(), Quality = "medium", Language = "en-US", Specialty = specialty }, CancellationToken.None);
        await harness.Records.SaveProgressAsync(id, text, 3, 1, CancellationToken.None);
        return id;
    }
}
