using System.Buffers;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;

namespace Seva.Actors.Storage.S3;

/// <summary>Streams one recording to S3 as it is encoded: bytes fill a part in memory, each full part is
/// uploaded in the background while the next one fills (so a session holds at most two parts, and its turn
/// waits on the network only when a part fills before the previous one is up), and completing uploads the
/// rest as the last part. A recording shorter than a part is a single PUT.</summary>
/// <remarks>
/// <para>S3 takes whole parts only, so every byte also goes to a local spool file (<see cref="S3Spool"/>),
/// handed to the OS at each <see cref="FlushAsync"/>: a crash (kill -9) loses what came after the last flush,
/// as with files, and the next start uploads the spool (<see cref="S3SpoolRecovery"/>). Every other end
/// (complete, a failure, disposal without completing) completes the upload with what was uploaded, or aborts
/// it when nothing can be kept, and deletes the spool.</para>
/// <para>One caller at a time (the session's turn); the background upload touches the upload's state only
/// while no caller waits on it.</para>
/// </remarks>
/// <param name="continues">The size of the stored object this writer replaces with a longer one (a
/// recording continued after a move; see <see cref="S3AudioStore.ContinueAsync"/>), else 0. Nothing shorter
/// is ever stored in its place: an end that could keep less aborts, and the stored object stays.</param>
internal sealed class S3AudioWriter(S3AudioStore store, string key, int partSize, SpoolFile? spool, ILogger logger, long continues = 0) : IAudioWriter
{
    /// <summary>S3 numbers parts 1 to 10,000.</summary>
    private const int MaxParts = 10_000;

    /// <summary>The buffer grows towards a whole part as the recording does: most recordings are far smaller.</summary>
    private const int FirstBufferBytes = 64 * 1024;

    private readonly List<PartETag> _parts = [];
    private byte[] _buffer = [];
    private int _length;
    private string? _uploadId;
    private Task? _uploading;
    private byte[]? _unsent;
    private AudioStoreException? _failure;
    private bool _finished;

    public string Key => key;

    private bool _stored;
    private long _uploadedBytes;

    /// <summary>Once the upload completed; from the start for a writer continuing a stored object.</summary>
    public bool Exists => _stored || continues > 0;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ThrowIfUnusable();

        // A write that fills the part waits for the previous one first, so a failure is reported before any
        // byte of this write is taken (unless one write spans more than a part).
        await ObserveUploadAsync(wait: _length + data.Length >= partSize, cancellationToken);
        if (spool is not null)
        {
            await spool.AppendAsync(data, cancellationToken);
        }

        while (!data.IsEmpty)
        {
            var n = Math.Min(partSize - _length, data.Length);
            Reserve(_length + n);
            data.Span[..n].CopyTo(_buffer.AsSpan(_length));
            _length += n;
            data = data[n..];
            if (_length == partSize)
            {
                await StartPartAsync(cancellationToken);
            }
        }
    }

    /// <summary>Makes what was written durable in the spool and reports a part that failed. Parts are started
    /// by <see cref="WriteAsync"/> as soon as they are full; what is past the last full part waits in memory, as
    /// S3 cannot take a smaller part before the last.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        ThrowIfUnusable();
        if (spool is not null)
        {
            await spool.FlushAsync(cancellationToken);
        }

        await ObserveUploadAsync(wait: false, cancellationToken);
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        ThrowIfUnusable();

        // Cancelled half-way, the writer stays unfinished and its disposal carries on from where this stopped.
        var failure = await FinishAsync(emptyObject: true, cancellationToken);
        _finished = true;
        await DeleteSpoolAsync();
        if (failure is not null)
        {
            throw failure;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_finished)
        {
            _finished = true;
            var failure = await FinishAsync(emptyObject: false, CancellationToken.None);
            if (failure is not null)
            {
                logger.LogWarning(failure, "The recording {Key} was closed without completing and could not be stored whole ({Kept})", key, Exists ? "the audio up to the failure is kept" : "nothing is kept");
            }
        }

        await DeleteSpoolAsync();

        Return(ref _buffer);
        if (_unsent is not null)
        {
            Return(ref _unsent!);
        }
    }

    /// <summary>The upload is completed or aborted: the spool has served (a crash before this point would have
    /// uploaded it again, whole, under the same key).</summary>
    private async ValueTask DeleteSpoolAsync()
    {
        if (spool is not null)
        {
            await spool.DeleteAsync();
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (_failure is not null)
        {
            throw new AudioStoreException($"An earlier part of {key} could not be uploaded.", _failure);
        }
    }

    /// <summary>Surfaces the failure of the part uploading in the background, once it is known (or, with
    /// <paramref name="wait"/>, once it is done).</summary>
    private async Task ObserveUploadAsync(bool wait, CancellationToken cancellationToken)
    {
        if (_uploading is null || (!wait && !_uploading.IsCompleted))
        {
            return;
        }

        var uploading = _uploading;
        await uploading.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        cancellationToken.ThrowIfCancellationRequested();
        _uploading = null;
        if (uploading.Exception?.InnerException is { } failed)
        {
            _failure = failed as AudioStoreException ?? new AudioStoreException($"Could not upload a part of {key}: {failed.Message}", failed);
            throw _failure;
        }
    }

    /// <summary>Hands the full buffer to a background upload and starts filling a new one.</summary>
    private async Task StartPartAsync(CancellationToken cancellationToken)
    {
        await ObserveUploadAsync(wait: true, cancellationToken);
        var part = _buffer;
        _buffer = [];
        _length = 0;
        _uploading = UploadFullPartAsync(part);
    }

    private async Task UploadFullPartAsync(byte[] part)
    {
        await Task.Yield(); // the caller's turn goes on while the part uploads
        try
        {
            await UploadPartAsync(part, partSize, CancellationToken.None);
            Return(ref part);
        }
        catch
        {
            _unsent = part; // kept to try again when the writer finishes
            throw;
        }
    }

    private async Task UploadPartAsync(byte[] part, int length, CancellationToken cancellationToken)
    {
        if (_parts.Count == MaxParts)
        {
            throw new AudioStoreException($"{key} needs more than {MaxParts} parts: raise {S3AudioStoreOptions.SectionName}:PartSizeBytes.");
        }

        if (_uploadId is null)
        {
            _uploadId = await store.StartUploadAsync(key, cancellationToken);
            spool?.NameUpload(_uploadId);
        }

        _parts.Add(await store.UploadPartAsync(key, _uploadId, _parts.Count + 1, part, length, cancellationToken));
        _uploadedBytes += length;
    }

    private AudioStoreException ShorterThanStored() =>
        new($"{key} was not continued: less than the {continues} bytes already stored could be uploaded, so the stored recording is kept as it was.");

    /// <summary>Stores as much of the recording as can be stored without a gap, and leaves no upload open.
    /// Returns the first failure, if anything written is not stored. Each step leaves the state it found
    /// or the next one, so a cancelled finish can be run again (a part re-sent keeps its number).</summary>
    private async Task<AudioStoreException?> FinishAsync(bool emptyObject, CancellationToken cancellationToken)
    {
        if (_stored)
        {
            return null;
        }

        AudioStoreException? failure = null;
        try
        {
            await ObserveUploadAsync(wait: true, CancellationToken.None);
        }
        catch (AudioStoreException ex)
        {
            failure = ex;
        }

        // A part that failed is tried once more (the server may be back): the audio after it is only
        // kept if it is, as a gap would splice two moments of the recording together.
        if (_unsent is { } unsent)
        {
            try
            {
                await UploadPartAsync(unsent, partSize, cancellationToken);
                _unsent = null;
                Return(ref unsent);
            }
            catch (AudioStoreException ex)
            {
                failure ??= ex;
            }
        }

        if (_unsent is null && _uploadId is null)
        {
            if (_length == 0 && !emptyObject)
            {
                return failure; // nothing was written: nothing to keep
            }

            if (_length < continues)
            {
                return failure ?? ShorterThanStored();
            }

            try
            {
                await store.PutAsync(key, _buffer, _length, cancellationToken);
                _stored = true;
            }
            catch (AudioStoreException ex)
            {
                failure ??= ex;
            }

            return failure;
        }

        if (_unsent is null && _length > 0)
        {
            try
            {
                await UploadPartAsync(_buffer, _length, cancellationToken);
                _length = 0;
            }
            catch (AudioStoreException ex)
            {
                failure ??= ex;
            }
        }

        if (_uploadId is null)
        {
            return failure; // the upload itself could not be started: nothing is stored, nothing is open
        }

        if (_parts.Count > 0 && _uploadedBytes < continues)
        {
            failure ??= ShorterThanStored();
        }
        else if (_parts.Count > 0)
        {
            try
            {
                await store.CompleteUploadAsync(key, _uploadId, _parts, cancellationToken);
                _stored = true;
                return failure;
            }
            catch (AudioStoreException ex)
            {
                failure ??= ex;
            }
        }

        try
        {
            await store.AbortUploadAsync(key, _uploadId, cancellationToken);
        }
        catch (AudioStoreException ex)
        {
            logger.LogWarning(ex, "The upload {UploadId} of {Key} could not be aborted: its parts stay until the bucket's lifecycle rule for incomplete multipart uploads removes them", _uploadId, key);
        }

        return failure;
    }

    private void Reserve(int bytes)
    {
        if (bytes <= _buffer.Length)
        {
            return;
        }

        var grown = ArrayPool<byte>.Shared.Rent(Math.Min(partSize, Math.Max(bytes, Math.Max(FirstBufferBytes, _buffer.Length * 2))));
        _buffer.AsSpan(0, _length).CopyTo(grown);
        Return(ref _buffer);
        _buffer = grown;
    }

    private static void Return(ref byte[] buffer)
    {
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        buffer = [];
    }
}
