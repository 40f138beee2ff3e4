using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Seva.Actors.Storage;
using Seva.Actors.Tests.Support;

namespace Seva.Actors.Tests.Storage;

/// <summary>The record store behaves the same on every database provider: each test runs on SQLite and
/// on the PostgreSQL server the test script starts.</summary>
public sealed class TranscriptionStoreTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    [SkippableTheory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task List_Search_IsCaseInsensitive_MatchesTranscriptOrSpecialty_AndTreatsWildcardsLiterally(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        using var store = Store(database, "host-a");
        await AddAsync(store, "The patient has Diabetes", "ENDOCRINOLOGY");
        await AddAsync(store, "the wound is healing", "WoundCare");
        await AddAsync(store, "dose raised to 50% today", null);

        Assert.Equal(1, (await store.ListAsync("user-1", 1, 10, CancellationToken.None, "diabetes")).Total);
        Assert.Equal(1, (await store.ListAsync("user-1", 1, 10, CancellationToken.None, "DIABETES")).Total);
        Assert.Equal(1, (await store.ListAsync("user-1", 1, 10, CancellationToken.None, "woundcare")).Total);
        Assert.Equal(1, (await store.ListAsync("user-1", 1, 10, CancellationToken.None, "Endocrinology")).Total);
        Assert.Equal(1, (await store.ListAsync("user-1", 1, 10, CancellationToken.None, "50%")).Total);
        Assert.Equal(0, (await store.ListAsync("user-1", 1, 10, CancellationToken.None, "%_%")).Total);
        Assert.Equal(0, (await store.ListAsync("user-1", 1, 10, CancellationToken.None, "dose_raised")).Total);
        Assert.Equal(3, (await store.ListAsync("user-1", 1, 10, CancellationToken.None, " ")).Total);
        Assert.Equal(0, (await store.ListAsync("someone-else", 1, 10, CancellationToken.None, "diabetes")).Total);
    }

    [SkippableTheory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task List_PagesNewestFirst_WithTheTotalOfEveryPage(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        using var store = Store(database, "host-a");
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await AddAsync(store, $"note {i}", null));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var first = await store.ListAsync("user-1", 1, 2, CancellationToken.None);
        var last = await store.ListAsync("user-1", 3, 2, CancellationToken.None);
        Assert.Equal(5, first.Total);
        Assert.Equal([ids[4], ids[3]], first.Items.Select(r => r.Id));
        Assert.Equal([ids[0]], last.Items.Select(r => r.Id));
        Assert.All(first.Items, r => Assert.Equal(DateTimeKind.Utc, r.CreatedAt.Kind));
        Assert.Equal(_time.GetUtcNow().UtcDateTime - TimeSpan.FromSeconds(1), first.Items[0].CreatedAt);
    }

    [SkippableTheory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Finish_KeepsTheOutcome_AndAFinishedRecordNeverChangesAgain(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        using var store = Store(database, "host-a");
        var id = await AddAsync(store, "so far", "CARDIOLOGY");

        await store.FinishAsync(id, TranscriptionStatus.Completed, new TranscriptionOutcome("all of it", null, 3, 4.5, "audio/u/x.mp3", null), CancellationToken.None);
        var record = await store.FindAsync("user-1", id, CancellationToken.None);
        Assert.NotNull(record);
        Assert.Equal((TranscriptionStatus.Completed, "all of it", 3, 4.5, "audio/u/x.mp3"), (record.Status, record.TranscriptText, record.WordCount, record.AudioDurationSeconds, record.AudioKey));
        Assert.Equal("host-a", record.HostId);

        await store.SaveProgressAsync(id, new TranscriptProgress("changed", 1, 1), CancellationToken.None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.FinishAsync(id, TranscriptionStatus.Failed, new TranscriptionOutcome("x", null, 1, 1, null, "E"), CancellationToken.None));
        Assert.Equal("all of it", (await store.FindAsync("user-1", id, CancellationToken.None))!.TranscriptText);
    }

    [SkippableTheory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Delete_OnlyTheOwnersRecord(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        using var store = Store(database, "host-a");
        var id = await AddAsync(store, "text", null);
        Assert.Null(await store.DeleteAsync("someone-else", id, CancellationToken.None));
        Assert.NotNull(await store.DeleteAsync("user-1", id, CancellationToken.None));
        Assert.Null(await store.FindAsync("user-1", id, CancellationToken.None));
    }

    [SkippableTheory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task StartUp_FailsOnlyItsOwnOpenRecords_AndThoseWhoseLeaseRanOut_NeverALiveHostsRecords(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        using var hostA = Store(database, "host-a");
        using var hostB = Store(database, "host-b");
        var mine = await AddAsync(hostA, "a's crashed session", null);
        var othersLive = await AddAsync(hostB, "b is still dictating", null);
        _time.Advance(Lease / 2);
        var othersStale = await AddAsync(hostB, "b crashed long ago", null);
        await SetLeaseAsync(database, othersStale, _time.GetUtcNow().UtcDateTime - TimeSpan.FromSeconds(1));
        var legacy = await AddAsync(hostB, "left by a version without leases", null);
        await SetLeaseAsync(database, legacy, null, hostId: null);

        // Host A restarts after kill -9.
        using var restartedA = Store(database, "host-a");
        Assert.Equal(3, await restartedA.FailAbandonedAsync(CancellationToken.None));

        Assert.Equal(TranscriptionStatus.Failed, await StatusAsync(restartedA, mine));
        Assert.Equal(TranscriptionStatus.Failed, await StatusAsync(restartedA, othersStale));
        Assert.Equal(TranscriptionStatus.Failed, await StatusAsync(restartedA, legacy));
        Assert.Equal(TranscriptionStatus.InProgress, await StatusAsync(restartedA, othersLive));
        var failed = await restartedA.FindAsync("user-1", mine, CancellationToken.None);
        Assert.Equal(("SERVER_RESTARTED", "a's crashed session"), (failed!.ErrorCode, failed.TranscriptText));
    }

    [SkippableTheory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task RenewingLeases_KeepsARunningHostsRecords_AndFailsThoseOfAHostThatStoppedRenewing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        using var hostA = Store(database, "host-a");
        using var hostB = Store(database, "host-b");
        var a = await AddAsync(hostA, "a dictates for a long time", null);
        var b = await AddAsync(hostB, "b is killed", null);

        // A renews every third of the lease; B has stopped. Just under one lease later, nothing fails yet.
        for (var i = 0; i < 2; i++)
        {
            _time.Advance(Lease / 3);
            Assert.Equal(0, await hostA.RenewLeasesAsync(CancellationToken.None));
        }

        Assert.Equal(TranscriptionStatus.InProgress, await StatusAsync(hostA, b));
        _time.Advance(Lease / 3 + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await hostA.RenewLeasesAsync(CancellationToken.None));

        Assert.Equal(TranscriptionStatus.Failed, await StatusAsync(hostA, b));
        Assert.Equal(TranscriptionStatus.InProgress, await StatusAsync(hostA, a));
        var kept = await hostA.FindAsync("user-1", a, CancellationToken.None);
        Assert.Equal(_time.GetUtcNow().UtcDateTime + Lease, kept!.LeaseExpiresAt);

        // A host whose own renewals lapsed (its database was away) never fails its own records.
        _time.Advance(Lease * 2);
        Assert.Equal(0, await hostA.RenewLeasesAsync(CancellationToken.None));
        Assert.Equal(TranscriptionStatus.InProgress, await StatusAsync(hostA, a));
    }

    [SkippableTheory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task AReleasedRecord_IsRenewedByNoHost_TheHostItMovesToClaimsIt_AndUnclaimedItFailsWhenItsLeaseRunsOut(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        using var hostA = Store(database, "host-a");
        using var hostB = Store(database, "host-b");
        var moved = await AddAsync(hostA, "moved", null);
        var left = await AddAsync(hostA, "left", null);

        await hostA.ReleaseAsync(moved, new TranscriptProgress("moved on", 2, 4.5, "[]"), "audio/user-1/moved.mp3", CancellationToken.None);
        await hostA.ReleaseAsync(left, new TranscriptProgress("left behind", 2, 2), null, CancellationToken.None);
        _time.Advance(Lease / 2);
        await hostA.RenewLeasesAsync(CancellationToken.None); // A no longer holds them

        var claim = await hostB.ClaimAsync(moved, CancellationToken.None);
        Assert.True(claim.WasReleased);
        Assert.Equal(("moved on", 4.5, "audio/user-1/moved.mp3"), (claim.Record!.TranscriptText, claim.Record.AudioDurationSeconds, claim.Record.AudioKey));
        Assert.Equal("host-b", (await hostB.FindAsync("user-1", moved, CancellationToken.None))!.HostId);
        _time.Advance(Lease / 2 + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await hostB.RenewLeasesAsync(CancellationToken.None));

        Assert.Equal(TranscriptionStatus.InProgress, await StatusAsync(hostA, moved)); // B renews what it claimed
        var failed = await hostA.FindAsync("user-1", left, CancellationToken.None);
        Assert.Equal((TranscriptionStatus.Failed, "left behind"), (failed!.Status, failed.TranscriptText));
        Assert.Same(RecordClaim.Closed, await hostB.ClaimAsync(left, CancellationToken.None)); // too late to go on with it
    }

    [SkippableTheory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task ARecordAnotherHostStillHolds_IsNotClaimed_UntilItsLeaseRunsOut_ThenOnlyOnce(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        using var hostA = Store(database, "host-a");
        using var hostB = Store(database, "host-b");
        using var hostC = Store(database, "host-c");
        var id = await AddAsync(hostA, "still being written", null);

        var early = await hostB.ClaimAsync(id, CancellationToken.None);
        Assert.Null(early.Record);
        Assert.Equal(Lease, early.RetryAfter);

        _time.Advance(Lease + TimeSpan.FromSeconds(1)); // A crashed: it stopped renewing
        var claim = await hostB.ClaimAsync(id, CancellationToken.None);
        var second = await hostC.ClaimAsync(id, CancellationToken.None);

        Assert.NotNull(claim.Record);
        Assert.False(claim.WasReleased);
        Assert.NotNull(second.RetryAfter); // B holds it now
        Assert.Equal("host-b", (await hostA.FindAsync("user-1", id, CancellationToken.None))!.HostId);
    }

    private TranscriptionStore Store(TestDatabase database, string hostId) =>
        new(database.Contexts, new RecordLease(hostId, Lease), _time, NullLogger<TranscriptionStore>.Instance);

    private static async Task<Guid> AddAsync(TranscriptionStore store, string text, string? specialty)
    {
        var id = Guid.CreateVersion7();
        await store.CreateAsync(new TranscriptionRecord { Id = id, UserId = "user-1", SessionId = id.ToString(), Quality = "medium", Language = "en-US", Specialty = specialty }, CancellationToken.None);
        await store.SaveProgressAsync(id, new TranscriptProgress(text, 3, 1), CancellationToken.None);
        return id;
    }

    private static async Task<string> StatusAsync(TranscriptionStore store, Guid id) =>
        (await store.FindAsync("user-1", id, CancellationToken.None))!.Status;

    private static async Task SetLeaseAsync(TestDatabase database, Guid id, DateTime? until, string? hostId = "host-b")
    {
        await using var db = await database.Contexts.CreateDbContextAsync();
        await db.Transcriptions.Where(t => t.Id == id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LeaseExpiresAt, until).SetProperty(t => t.HostId, hostId));
    }
}
