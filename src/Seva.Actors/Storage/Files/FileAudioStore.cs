using Microsoft.Extensions.Options;

namespace Seva.Actors.Storage.Files;

/// <summary>Keeps recordings as files under <c>{DataDirectory}/{key}</c>.</summary>
public sealed class FileAudioStore(IOptions<StorageOptions> options) : IAudioStore
{
    private readonly string _root = options.Value.FullDataDirectory;

    /// <summary>Always today's <c>audio/</c>: the folder layout under the data directory is the key.</summary>
    public string KeyPrefix => AudioKey.DefaultPrefix;

    public Task<IAudioWriter> CreateAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathFor(key);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 16 * 1024, useAsync: true);
            return Task.FromResult<IAudioWriter>(new FileAudioWriter(key, stream));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AudioStoreException($"Could not create {key}: {ex.Message}", ex);
        }
    }

    /// <summary>Appends to the file, also after a crash (a file has no upload to complete later): MP3 is a
    /// sequence of frames, so the part encoded here plays on from the part encoded before the move (a frame
    /// a crashed host left cut short is skipped by players). Several hosts see one file only on a shared disk.</summary>
    public Task<IAudioWriter?> ContinueAsync(string key, bool afterCrash, CancellationToken cancellationToken)
    {
        var path = PathFor(key);
        if (!File.Exists(path))
        {
            return Task.FromResult<IAudioWriter?>(null);
        }

        try
        {
            var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 16 * 1024, useAsync: true);
            return Task.FromResult<IAudioWriter?>(new FileAudioWriter(key, stream));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AudioStoreException($"Could not open {key} to continue it: {ex.Message}", ex);
        }
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathFor(key);
        Stream? stream = File.Exists(path)
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 16 * 1024, useAsync: true)
            : null;
        return Task.FromResult(stream);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            File.Delete(PathFor(key));
        }
        catch (DirectoryNotFoundException)
        {
            // The user's folder is gone too: the file is absent, which is what deleting asks for.
        }

        return Task.CompletedTask;
    }

    private string PathFor(string key)
    {
        var path = Path.GetFullPath(Path.Combine(_root, key));
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Key '{key}' points outside the data directory.", nameof(key));
        }

        return path;
    }

    private sealed class FileAudioWriter(string key, FileStream stream) : IAudioWriter
    {
        public string Key { get; } = key;

        /// <summary>The file was created with the writer, and what reached it stays.</summary>
        public bool Exists => true;

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            try
            {
                await stream.WriteAsync(data, cancellationToken);
            }
            catch (IOException ex)
            {
                throw new AudioStoreException($"Could not write {Key}: {ex.Message}", ex);
            }
        }

        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            try
            {
                await stream.FlushAsync(cancellationToken);
            }
            catch (IOException ex)
            {
                throw new AudioStoreException($"Could not write {Key}: {ex.Message}", ex);
            }
        }

        public Task CompleteAsync(CancellationToken cancellationToken) => FlushAsync(cancellationToken);

        public ValueTask DisposeAsync() => stream.DisposeAsync();
    }
}
