namespace Seva.Actors.Storage;

/// <summary>Where recordings are kept, by key. The default writes files under the data directory.</summary>
public interface IAudioStore
{
    /// <summary>Starts a new object that is written as the recording goes.</summary>
    Task<IAudioWriter> CreateAsync(string key, CancellationToken cancellationToken);

    /// <summary>Opens a stored object for reading (seekable, for range requests), or null if absent.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken);

    Task DeleteAsync(string key, CancellationToken cancellationToken);
}

/// <summary>An object being written. Data written is durable after each <see cref="FlushAsync"/>.</summary>
public interface IAudioWriter : IAsyncDisposable
{
    string Key { get; }

    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Makes what was written so far durable (a crash keeps it).</summary>
    Task FlushAsync(CancellationToken cancellationToken);

    /// <summary>Finishes the object.</summary>
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
