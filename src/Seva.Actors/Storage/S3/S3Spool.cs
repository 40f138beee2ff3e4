using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Seva.Actors.Storage.S3;

/// <summary>This host's local copy of the S3 recordings it is writing, under <c>{DataDirectory}/spool/</c>:
/// for each, <c>{id}.mp3</c> (every byte the writer took, handed to the OS at each flush, as the file store
/// does) and <c>{id}.json</c> naming the object key and, once one was started, the multipart upload. A writer
/// deletes both when it ends; what a crash leaves is uploaded at the next start (<see cref="S3SpoolRecovery"/>).</summary>
/// <remarks>A spool is one host's: the directory is on its own disk, like its <c>host-id</c>. A host that never
/// comes back keeps its spools there; its records stay FAILED naming keys with no object until someone starts
/// Seva again on that data directory (or copies the spool into another host's and restarts that one).</remarks>
internal sealed class S3Spool(string directory)
{
    public const string DirectoryName = "spool";

    private const string AudioExtension = ".mp3";
    private const string SidecarExtension = ".json";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public string Folder => directory;

    public static string DirectoryUnder(string dataDirectory) => Path.Combine(dataDirectory, DirectoryName);

    /// <summary>The ids of the recordings spooled here (by their sidecars).</summary>
    public IReadOnlyList<string> Ids() =>
        Directory.Exists(directory)
            ? [.. Directory.EnumerateFiles(directory, "*" + SidecarExtension).Select(Path.GetFileNameWithoutExtension).OfType<string>()]
            : [];

    /// <summary>Starts the spool of a new recording: its sidecar first, so an audio file always has its key
    /// beside it. Returns null, having logged why, if the disk refuses: the recording then goes to S3 without
    /// a local copy (a crash loses what was not yet in a part), rather than not at all.</summary>
    internal SpoolFile? Start(string key, ILogger logger)
    {
        var id = Guid.NewGuid().ToString("N");
        try
        {
            Directory.CreateDirectory(directory);
            WriteSidecar(id, new SpoolSidecar(key, null));
            var audio = new FileStream(AudioPath(id), FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, 16 * 1024, useAsync: true);
            return new SpoolFile(this, id, key, audio, logger);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(ex, "Could not spool {Key} under {Directory}: it is uploaded without a local copy, so a crash would lose the audio since its last full part", key, directory);
            try
            {
                Remove(id);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                logger.LogDebug(cleanup, "Could not remove the spool {Id} that failed to start", id);
            }

            return null;
        }
    }

    /// <summary>The sidecar of <paramref name="id"/>, or null if there is none.</summary>
    /// <exception cref="JsonException">The sidecar is not one this class wrote.</exception>
    internal async Task<SpoolSidecar?> ReadSidecarAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = File.OpenRead(SidecarPath(id));
            return await JsonSerializer.DeserializeAsync<SpoolSidecar>(stream, Json, cancellationToken) is { Key.Length: > 0 } sidecar
                ? sidecar
                : throw new JsonException($"{SidecarPath(id)} names no key.");
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Replaces the sidecar whole (written aside, then renamed), so a crash leaves the old or the new one.</summary>
    internal void WriteSidecar(string id, SpoolSidecar sidecar)
    {
        var path = SidecarPath(id);
        File.WriteAllBytes(path + ".tmp", JsonSerializer.SerializeToUtf8Bytes(sidecar, Json));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    internal string AudioPath(string id) => Path.Combine(directory, id + AudioExtension);

    /// <summary>Deletes the recording's files, audio first: the sidecar is the last to go, so no audio is ever
    /// left without its key.</summary>
    internal void Remove(string id)
    {
        File.Delete(AudioPath(id));
        File.Delete(SidecarPath(id) + ".tmp");
        File.Delete(SidecarPath(id));
    }

    private string SidecarPath(string id) => Path.Combine(directory, id + SidecarExtension);
}

/// <summary>What a spooled recording is: its object key, and the multipart upload a crash left open, if any.</summary>
internal sealed record SpoolSidecar(string Key, string? UploadId);

/// <summary>One recording's spool while its writer runs; the writer's rules (one caller at a time) apply,
/// except <see cref="NameUpload"/>, which the background part upload calls.</summary>
internal sealed class SpoolFile(S3Spool spool, string id, string key, FileStream audio, ILogger logger)
{
    private FileStream? _audio = audio;
    private bool _deleted;

    public async ValueTask AppendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (_audio is not null)
        {
            await GuardAsync(_audio.WriteAsync(data, cancellationToken).AsTask());
        }
    }

    /// <summary>Hands what was appended to the OS: a killed process keeps it (as with the file store).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_audio is not null)
        {
            await GuardAsync(_audio.FlushAsync(cancellationToken));
        }
    }

    /// <summary>Names the multipart upload in the sidecar, so a recovery can abort it.</summary>
    public void NameUpload(string uploadId)
    {
        try
        {
            spool.WriteSidecar(id, new SpoolSidecar(key, uploadId));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(ex, "Could not note the upload {UploadId} of {Key} in its spool: after a crash its parts stay until the bucket's lifecycle rule for incomplete multipart uploads removes them", uploadId, key);
        }
    }

    /// <summary>The recording ended (stored, or stored as far as it could be): its spool goes.</summary>
    public async ValueTask DeleteAsync()
    {
        await CloseAsync();
        if (_deleted)
        {
            return;
        }

        _deleted = true;
        try
        {
            spool.Remove(id);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(ex, "Could not delete the spool {Id} of {Key}: the next start uploads it again", id, key);
        }
    }

    private async Task GuardAsync(Task io)
    {
        try
        {
            await io;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A full or failing local disk must not cost the recording that S3 still takes: the spool stops
            // where it is (a crash would still recover that much) and the upload goes on.
            logger.LogWarning(ex, "Spooling {Key} failed: the recording goes on to S3 without a local copy, so a crash would lose the audio since its last full part", key);
            await CloseAsync();
        }
    }

    private async ValueTask CloseAsync()
    {
        var audio = _audio;
        _audio = null;
        if (audio is null)
        {
            return;
        }

        try
        {
            await audio.DisposeAsync();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogDebug(ex, "Closing the spool of {Key} failed", key);
        }
    }
}
