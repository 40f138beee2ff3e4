using Microsoft.Extensions.Logging;

namespace Seva.Actors.Storage.S3;

/// <summary>Uploads the recordings a crash left in this host's spool (<see cref="S3Spool"/>), each as one PUT
/// under the key its record names, aborts the multipart upload the crash left open, and deletes the spool. A
/// spool that cannot be uploaded stays, to be tried again.</summary>
/// <remarks>Run only on spools no writer of this process holds: at start-up, before any session (see
/// <see cref="S3SpoolRecoveryService"/>), and afterwards on the ids that start-up found.</remarks>
internal sealed class S3SpoolRecovery(S3AudioStore store, ILogger logger)
{
    /// <summary>Every spool in the directory.</summary>
    public Task<SpoolRecoveryResult> RecoverAsync(CancellationToken cancellationToken) =>
        RecoverAsync(store.Spool.Ids(), cancellationToken);

    public async Task<SpoolRecoveryResult> RecoverAsync(IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var recovered = 0;
        var failed = new List<string>();
        foreach (var id in ids)
        {
            try
            {
                if (await RecoverAsync(id, cancellationToken))
                {
                    recovered++;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Whatever it is (the bucket away, a sidecar not ours), one spool must not stop the host starting.
                logger.LogError(ex, "Could not recover the spooled recording {Id} in {Directory}: it stays there and is tried again", id, store.Spool.Folder);
                failed.Add(id);
            }
        }

        return new SpoolRecoveryResult(recovered, failed);
    }

    /// <summary>Whether a recording was stored (false: there was nothing left to store).</summary>
    private async Task<bool> RecoverAsync(string id, CancellationToken cancellationToken)
    {
        var spool = store.Spool;
        if (await spool.ReadSidecarAsync(id, cancellationToken) is not { } sidecar)
        {
            return false; // gone since the directory was listed (an earlier try finished it)
        }

        var stored = false;
        FileStream? audio = null;
        try
        {
            audio = new FileStream(spool.AudioPath(id), FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
        }
        catch (FileNotFoundException)
        {
            // The writer ended and deleted the audio, and the process stopped before the sidecar went too.
        }

        await using (audio)
        {
            if (audio is { Length: > 0 })
            {
                // Put whole even if the crash came after the upload completed: the spool holds the same bytes.
                await store.PutAsync(sidecar.Key, audio, cancellationToken);
                stored = true;
                logger.LogInformation("Recovered {Key} ({Bytes} bytes) from the spool {Id}", sidecar.Key, audio.Length, id);
            }
            else
            {
                // The session was killed before it encoded any audio: its record names a key that stays empty.
                logger.LogInformation("The spool {Id} of {Key} holds no audio: nothing to recover", id, sidecar.Key);
            }
        }

        if (sidecar.UploadId is { } uploadId)
        {
            try
            {
                await store.AbortUploadAsync(sidecar.Key, uploadId, cancellationToken);
            }
            catch (AudioStoreException ex)
            {
                // Not every server implements the abort (s3rver answers 405); the recording is safe either way.
                logger.LogWarning(ex, "The upload {UploadId} of {Key} a crash left open could not be aborted: its parts stay until the bucket's lifecycle rule for incomplete multipart uploads removes them", uploadId, sidecar.Key);
            }
        }

        spool.Remove(id);
        return stored;
    }
}

/// <summary>How many recordings were stored, and the spools that failed and stay.</summary>
internal sealed record SpoolRecoveryResult(int Recovered, IReadOnlyList<string> Failed);
