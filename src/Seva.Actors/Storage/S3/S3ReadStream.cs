namespace Seva.Actors.Storage.S3;

/// <summary>A seekable, read-only view of one S3 object: its length comes from the HEAD that opened it, and
/// reads fetch ranged GETs of at least <see cref="ReadAheadBytes"/>, so serving a range request (the history
/// page's player seeks) downloads about that range, not the object. Asynchronous reads only; one caller at a
/// time.</summary>
internal sealed class S3ReadStream(S3AudioStore store, string key, long length, string etag) : Stream
{
    /// <summary>ASP.NET copies a response 64 KiB at a time: four such reads per GET.</summary>
    internal const int ReadAheadBytes = 256 * 1024;

    private byte[] _window = [];
    private long _windowStart;
    private int _windowLength;
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        _position = target;
        return target;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty || _position >= length)
        {
            return 0;
        }

        if (_position < _windowStart || _position >= _windowStart + _windowLength)
        {
            await FetchAsync(buffer.Length, cancellationToken);
        }

        var offset = (int)(_position - _windowStart);
        var n = Math.Min(buffer.Length, _windowLength - offset);
        _window.AsSpan(offset, n).CopyTo(buffer.Span);
        _position += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("An S3 object is read asynchronously (ReadAsync, CopyToAsync).");

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private async Task FetchAsync(int wanted, CancellationToken cancellationToken)
    {
        var count = (int)Math.Min(Math.Max(wanted, ReadAheadBytes), length - _position);
        if (_window.Length < count)
        {
            _window = new byte[count];
        }

        var read = await store.ReadRangeAsync(key, etag, _position, _window.AsMemory(0, count), cancellationToken);
        if (read == 0)
        {
            throw new IOException($"{key} ended at byte {_position} of {length}: it changed while it was read.");
        }

        _windowStart = _position;
        _windowLength = read;
    }
}
