using System.Security.Claims;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Seva.Actors.Dictation;
using Seva.Actors.Storage;
using Seva.Actors.Storage.Files;
using Seva.Actors.Tests.Support;
using Seva.Web.Features.History;
using Seva.Web.Tests.Support;

namespace Seva.Web.Tests.Components;

/// <summary>The history detail page over a record whose audio is there, is missing (its host crashed and has
/// not uploaded its spool yet), or cannot be reached: the player only where there is something to play.</summary>
public sealed class TranscriptionDetailPageTests : IAsyncLifetime
{
    private const string UserId = "clinician@example.com";
    private static readonly System.Text.Json.JsonSerializerOptions WebJson = new(System.Text.Json.JsonSerializerDefaults.Web);
    private readonly BunitContext _bunit = new();
    private readonly string _data = Directory.CreateTempSubdirectory("seva-detail-").FullName;
    private TestDatabase _database = null!;
    private TranscriptionStore _records = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        _records = new TranscriptionStore(_database.Contexts, new RecordLease("host-a", TimeSpan.FromMinutes(1)), TimeProvider.System, NullLogger<TranscriptionStore>.Instance);
        _bunit.AddSevaTestServices();
        _bunit.AddAuthorization().SetAuthorized(UserId).SetClaims(new Claim(ClaimTypes.NameIdentifier, UserId));
        _bunit.Services.AddSingleton(_records);
    }

    public async Task DisposeAsync()
    {
        await _bunit.DisposeAsync();
        _records.Dispose();
        await _database.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task RecordWhoseAudioIsStored_ShowsThePlayerAndTheDownload()
    {
        var files = Files();
        var record = await CreateRecordAsync();
        await using (var writer = await files.CreateAsync(record.AudioKey!, CancellationToken.None))
        {
            await writer.WriteAsync(new byte[] { 0xFF, 0xF3, 0x44, 0xC4 }, CancellationToken.None);
            await writer.CompleteAsync(CancellationToken.None);
        }

        var page = Render(files, record);

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=audio]")));
        Assert.NotNull(page.Find("[data-testid=download-audio]"));
        Assert.Empty(page.FindAll("[data-testid=audio-not-available]"));
    }

    [Fact]
    public async Task RecordWhoseAudioObjectIsMissing_SaysAudioNotAvailable_InsteadOfABrokenPlayer()
    {
        var record = await CreateRecordAsync();

        var page = Render(Files(), record);

        page.WaitForAssertion(() => Assert.Equal(TranscriptionDetailPage.AudioMissingMessage, page.Find("[data-testid=audio-not-available]").TextContent.Trim()));
        Assert.Empty(page.FindAll("[data-testid=audio]"));
        Assert.Empty(page.FindAll("[data-testid=download-audio]"));
        Assert.Contains("SERVER_RESTARTED", page.Find("[data-testid=detail-meta]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AudioStoreThatDoesNotAnswer_SaysSo_InsteadOfFailingThePage()
    {
        var record = await CreateRecordAsync();

        var page = Render(new UnreachableStore(), record);

        page.WaitForAssertion(() => Assert.Equal(TranscriptionDetailPage.AudioUnreachableMessage, page.Find("[data-testid=audio-not-available]").TextContent.Trim()));
        Assert.Empty(page.FindAll("[data-testid=audio]"));
        Assert.Contains("diabetes", page.Find("[data-testid=detail-transcript]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordWithWordTimes_ShowsEachTokenAsAClickableWord_WithTheTimesOfTheWordsItCameFrom_AndMarksUnsureOnes()
    {
        var files = Files();
        var words = new List<TimedWord>
        {
            new("blood", 0.50, 0.80, 0.95, "Blood", 0),
            new("pressure", 0.80, 1.30, 0.40, "pressure", 1),
            new("one", 1.40, 1.60, 0.90, "140/90", 2),
            new("forty", 1.60, 1.90, 0.90, "140/90", 2),
            new("over", 1.90, 2.10, 0.90, "140/90", 2),
            new("ninety", 2.10, 2.50, 0.70, "140/90", 2),
            new("period", 2.50, 2.90, 0.90, ".", 3),
            new("new", 2.90, 3.10, 0.90, "\n\n", 4),
            new("paragraph", 3.10, 3.60, 0.90, "\n\n", 4),
            new("cap", 3.70, 3.90, 0.90, null),
            new("stable", 3.90, 4.40, 0.90, "Stable", 5),
        };
        var record = await CreateRecordAsync(System.Text.Json.JsonSerializer.Serialize(words, WebJson));
        await using (var writer = await files.CreateAsync(record.AudioKey!, CancellationToken.None))
        {
            await writer.WriteAsync(new byte[] { 0xFF, 0xF3, 0x44, 0xC4 }, CancellationToken.None);
            await writer.CompleteAsync(CancellationToken.None);
        }

        var module = _bunit.JSInterop.SetupModule("./features/History/words.js");
        module.SetupVoid("attach", _ => true).SetVoidResult();
        var page = Render(files, record);

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=word]")));
        var spans = page.FindAll("[data-testid=word]");
        Assert.Equal(["Blood", "pressure", "140/90", ".", "Stable"], spans.Select(s => s.TextContent));
        Assert.Equal(("1.4", "2.5"), (spans[2].GetAttribute("data-start"), spans[2].GetAttribute("data-end")));
        Assert.Equal(["pressure"], spans.Where(s => s.ClassList.Contains("seva-word-low")).Select(s => s.TextContent));
        Assert.Equal("Blood pressure 140/90.\n\nStable", page.Find("[data-testid=detail-transcript]").TextContent);
        page.WaitForAssertion(() => module.VerifyInvoke("attach"));
    }

    private FileAudioStore Files() => new(Options.Create(new StorageOptions { DataDirectory = _data }));

    private IRenderedComponent<TranscriptionDetailPage> Render(IAudioStore audio, TranscriptionRecord record)
    {
        _bunit.Services.AddSingleton(audio);
        return _bunit.Render<TranscriptionDetailPage>(p => p.Add(c => c.Id, record.Id));
    }

    /// <summary>A record of a session this host was running when it was killed, as its next start leaves it:
    /// FAILED, its key naming audio the host spooled.</summary>
    private async Task<TranscriptionRecord> CreateRecordAsync(string? words = null)
    {
        var id = Guid.NewGuid();
        await _records.CreateAsync(
            new TranscriptionRecord
            {
                Id = id,
                UserId = UserId,
                SessionId = "session-" + id.ToString("N"),
                Quality = "standard",
                Language = "en-US",
                TranscriptText = "she has a history of diabetes",
                AudioKey = AudioKey.Create(UserId, DateTime.UtcNow, id),
                SampleRate = 16000,
                Words = words,
            },
            CancellationToken.None);
        Assert.Equal(1, await _records.FailAbandonedAsync(CancellationToken.None));
        return (await _records.FindAsync(UserId, id, CancellationToken.None))!;
    }

    private sealed class UnreachableStore : IAudioStore
    {
        public string KeyPrefix => AudioKey.DefaultPrefix;

        public Task<IAudioWriter> CreateAsync(string key, CancellationToken cancellationToken) => throw Unreachable();

        public Task<IAudioWriter?> ContinueAsync(string key, bool afterCrash, CancellationToken cancellationToken) => throw Unreachable();

        public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken) => throw Unreachable();

        public Task DeleteAsync(string key, CancellationToken cancellationToken) => throw Unreachable();

        private static AudioStoreException Unreachable() => new("Could not read the object in the S3 bucket 'seva-audio': connection refused");
    }
}
