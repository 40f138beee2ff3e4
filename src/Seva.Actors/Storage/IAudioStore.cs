namespace Seva.Actors.Storage;

/// <summary>Where recordings are kept, by key. The default writes files under the data directory
/// (<see cref="Files.FileAudioStore"/>); <see cref="S3.S3AudioStore"/> keeps them in a bucket.</summary>
public interface IAudioStore
{
    /// <summary>How the keys of new recordings start (see <see cref="AudioKey.Create(string, string, DateTime, Guid)"/>); a key a record
    /// holds is complete, so records keep working when this changes.</summary>
    string KeyPrefix { get; }

    /// <summary>Starts a new object that is written as the recording goes.</summary>
    Task<IAudioWriter> CreateAsync(string key, CancellationToken cancellationToken);

    /// <summary>Opens a stored object to write on at its end, for a recording that goes on on this host
    /// after it moved from another (<paramref name="afterCrash"/>: the other host went away without
    /// handing it over); null when it cannot be continued: there is no such object, or the store cannot
    /// continue it safely (S3 after a crash). Disposing the writer keeps at least what was stored.</summary>
    Task<IAudioWriter?> ContinueAsync(string key, bool afterCrash, CancellationToken cancellationToken);

    /// <summary>Opens a stored object for reading (seekable, for range requests), or null if absent.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes an object; an absent one is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);
}

/// <summary>An object being written, by one caller at a time. Disposing it without
/// <see cref="CompleteAsync"/> keeps what the store can keep of what was written.</summary>
public interface IAudioWriter : IAsyncDisposable
{
    string Key { get; }

    /// <summary>Whether an object is stored under <see cref="Key"/>: a file is from its creation; an object
    /// that is uploaded (S3) once the upload completed. False after disposal means nothing of this recording
    /// was kept, so a record must not name the key.</summary>
    bool Exists { get; }

    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Makes what was written so far durable: a crash keeps it. Files are written in place; S3 takes
    /// whole parts only, so there it is kept in a local spool the next start uploads.</summary>
    Task FlushAsync(CancellationToken cancellationToken);

    /// <summary>Finishes the object with everything written.</summary>
    Task CompleteAsync(CancellationToken cancellationToken);
}

/// <summary>Saving audio failed; surfaces as S3_UPLOAD_FAILED (the name the protocol has always used).</summary>
public sealed class AudioStoreException : Exception
{
    public AudioStoreException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public AudioStoreException(string message)
        : base(message)
    {
    }

    public AudioStoreException()
    {
    }
}
