using Seva.Actors.Dictation;
using Seva.Actors.Storage;
using Seva.Web.Features.ApiKeys;
using Seva.Web.Features.Dictation;
using Seva.Web.Features.Security;

namespace Seva.Web.Features.Transcriptions;

/// <summary>REST access to the caller's own records and audio; another user's record is a 404.</summary>
public static class TranscriptionEndpoints
{
    private const int MaxPageSize = 100;

    public static WebApplication MapTranscriptionsApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var group = app.MapGroup("/api/v1/transcriptions").RequireAuthorization(ApiKeyExtensions.PolicyName).RequireAllowedOriginForCookies();
        group.MapGet("/", ListAsync);
        group.MapGet("/{id:guid}", GetAsync);
        group.MapGet("/{id:guid}/audio", GetAudioAsync);
        group.MapGet("/{id:guid}/text", GetTextAsync);
        group.MapGet("/{id:guid}/words", GetWordsAsync);
        group.MapDelete("/{id:guid}", DeleteAsync);
        return app;
    }

    private static async Task<IResult> ListAsync(HttpContext context, TranscriptionStore store, int? page, int? page_size, CancellationToken cancellationToken)
    {
        var p = page ?? 1;
        var size = page_size ?? 20;
        if (p < 1)
        {
            return Results.BadRequest(new { error = "invalid_parameter", field = "page", message = "page must be 1 or more." });
        }

        if (size is < 1 or > MaxPageSize)
        {
            return Results.BadRequest(new { error = "invalid_parameter", field = "page_size", message = $"page_size must be between 1 and {MaxPageSize}." });
        }

        var (items, total) = await store.ListAsync(context.User.UserId(), p, size, cancellationToken);
        return Results.Json(new TranscriptionPage([.. items.Select(TranscriptionDto.From)], p, size, total), DictationProtocol.Json);
    }

    private static async Task<IResult> GetAsync(Guid id, HttpContext context, TranscriptionStore store, CancellationToken cancellationToken)
    {
        var record = await store.FindAsync(context.User.UserId(), id, cancellationToken);
        return record is null ? NotFound() : Results.Json(TranscriptionDto.From(record), DictationProtocol.Json);
    }

    /// <summary>The MP3, or a 404 that says whether the transcription or only its audio is missing.</summary>
    private static async Task<IResult> GetAudioAsync(Guid id, HttpContext context, TranscriptionStore store, IAudioStore audio, CancellationToken cancellationToken)
    {
        var record = await store.FindAsync(context.User.UserId(), id, cancellationToken);
        if (record is null)
        {
            return NotFound();
        }

        if (record.AudioKey is null)
        {
            return AudioNotAvailable("No audio was kept for this transcription.");
        }

        var stream = await audio.OpenReadAsync(record.AudioKey, cancellationToken);
        return stream is null
            ? AudioNotAvailable(AudioMissingMessage)
            : Results.File(stream, "audio/mpeg", fileDownloadName: $"{record.Id}.mp3", enableRangeProcessing: true);
    }

    /// <summary>Every recognised word still in the transcript, in order, with its times in the recording, the
    /// engine's confidence and the formatted token it became (null: a spoken command).</summary>
    private static async Task<IResult> GetWordsAsync(Guid id, HttpContext context, TranscriptionStore store, CancellationToken cancellationToken)
    {
        var record = await store.FindAsync(context.User.UserId(), id, cancellationToken);
        return record is null
            ? NotFound()
            : Results.Json(new TranscriptionWords(record.Id, [.. DictatedTranscript.ParseWords(record.Words)]), DictationProtocol.Json);
    }

    private static async Task<IResult> GetTextAsync(Guid id, HttpContext context, TranscriptionStore store, CancellationToken cancellationToken)
    {
        var record = await store.FindAsync(context.User.UserId(), id, cancellationToken);
        if (record is null)
        {
            return NotFound();
        }

        var name = $"dictation-{record.CreatedAt:yyyyMMdd-HHmmss}.txt";
        return Results.File(System.Text.Encoding.UTF8.GetBytes(record.TranscriptText + "\n"), "text/plain; charset=utf-8", name);
    }

    /// <summary>Deletes the record and its audio.</summary>
    private static async Task<IResult> DeleteAsync(Guid id, HttpContext context, TranscriptionStore store, IAudioStore audio, CancellationToken cancellationToken)
    {
        var deleted = await store.DeleteAsync(context.User.UserId(), id, cancellationToken);
        if (deleted is null)
        {
            return NotFound();
        }

        if (deleted.AudioKey is not null)
        {
            await audio.DeleteAsync(deleted.AudioKey, cancellationToken);
        }

        return Results.NoContent();
    }

    /// <summary>Why a record's key has no object (its record keeps the key: the object may still come).</summary>
    internal const string AudioMissingMessage =
        "The audio of this transcription is not in the audio store. If the Seva host that recorded it stopped mid-dictation, it is uploaded when that host starts again.";

    private static IResult NotFound() =>
        Results.NotFound(new { error = "not_found", message = "No such transcription." });

    private static IResult AudioNotAvailable(string message) =>
        Results.NotFound(new { error = "audio_not_available", message });
}

internal sealed record TranscriptionWords(Guid TranscriptionId, IReadOnlyList<TimedWord> Words);

internal sealed record TranscriptionPage(IReadOnlyList<TranscriptionDto> Items, int Page, int PageSize, int Total);

/// <summary>A record as the API returns it: the <c>transcriptions</c> columns, snake_case.</summary>
internal sealed record TranscriptionDto(
    Guid Id,
    string UserId,
    string SessionId,
    string Status,
    string TranscriptText,
    string? PartialTranscript,
    string? AudioKey,
    double AudioDurationSeconds,
    int SampleRate,
    string Quality,
    string Language,
    string? Specialty,
    bool IsStreaming,
    int WordCount,
    string? ErrorCode,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static TranscriptionDto From(TranscriptionRecord r) => new(
        r.Id, r.UserId, r.SessionId, r.Status, r.TranscriptText, r.PartialTranscript, r.AudioKey, r.AudioDurationSeconds,
        r.SampleRate, r.Quality, r.Language, r.Specialty, r.IsStreaming, r.WordCount, r.ErrorCode,
        DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc), DateTime.SpecifyKind(r.UpdatedAt, DateTimeKind.Utc));
}
