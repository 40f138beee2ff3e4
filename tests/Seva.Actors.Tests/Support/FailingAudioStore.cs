using Seva.Actors.Storage;

namespace Seva.Actors.Tests.Support;

/// <summary>An audio store whose first <paramref name="failingWriters"/> writers fail after some bytes, as a
/// full disk does: the write fails, and so do flushing and disposing (a file stream's dispose writes out its
/// buffer and throws the same error); a writer used after disposal throws <see cref="ObjectDisposedException"/>.</summary>
public sealed class FailingAudioStore(IAudioStore inner, int failAfterBytes, int failingWriters = int.MaxValue) : IAudioStore
{
    private int _created;

    public string KeyPrefix => inner.KeyPrefix;

    public async Task<IAudioWriter> CreateAsync(string key, CancellationToken cancellationToken)
    {
        var writer = await inner.CreateAsync(key, cancellationToken);
        return Interlocked.Increment(ref _created) <= failingWriters ? new Writer(writer, failAfterBytes) : writer;
    }

    public async Task<IAudioWriter?> ContinueAsync(string key, bool afterCrash, CancellationToken cancellationToken)
    {
        var writer = await inner.ContinueAsync(key, afterCrash, cancellationToken);
        return writer is not null && Interlocked.Increment(ref _created) <= failingWriters ? new Writer(writer, failAfterBytes) : writer;
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken) => inner.OpenReadAsync(key, cancellationToken);

    public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

    private sealed class Writer(IAudioWriter inner, int failAfterBytes) : IAudioWriter
    {
        private int _written;
        private bool _full;
        private bool _disposed;

        public string Key => inner.Key;

        public bool Exists => inner.Exists;

        public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _written += data.Length;
            _full |= _written > failAfterBytes;
            return _full ? throw Full() : inner.WriteAsync(data, cancellationToken);
        }

        public Task FlushAsync(CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _full ? throw Full() : inner.FlushAsync(cancellationToken);
        }

        public Task CompleteAsync(CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _full ? throw Full() : inner.CompleteAsync(cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            _disposed = true;
            await inner.DisposeAsync();
            if (_full)
            {
                throw new IOException("No space left on device");
            }
        }

        private static AudioStoreException Full() => new("disk full", new IOException("No space left on device"));
    }
}
