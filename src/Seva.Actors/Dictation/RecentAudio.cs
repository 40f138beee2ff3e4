using Seva.Actors.Speech;

namespace Seva.Actors.Dictation;

/// <summary>The last few seconds of a session's audio as the engine got it (at the engine's rate), so a
/// fresh stream can decode again the utterance a failed one was in the middle of.</summary>
/// <remarks>Not thread-safe: used in the session's turns only.</remarks>
internal sealed class RecentAudio(int capacity)
{
    private readonly short[] _ring = new short[capacity];
    private int _next;
    private int _count;

    public int Count => _count;

    public void Append(ReadOnlySpan<short> samples)
    {
        if (_ring.Length == 0)
        {
            return;
        }

        if (samples.Length >= _ring.Length)
        {
            samples[^_ring.Length..].CopyTo(_ring);
            _next = 0;
            _count = _ring.Length;
            return;
        }

        var first = Math.Min(samples.Length, _ring.Length - _next);
        samples[..first].CopyTo(_ring.AsSpan(_next));
        samples[first..].CopyTo(_ring);
        _next = (_next + samples.Length) % _ring.Length;
        _count = Math.Min(_ring.Length, _count + samples.Length);
    }

    /// <summary>Writes what is held, oldest first, to <paramref name="stream"/>.</summary>
    public void ReplayInto(ISpeechStream stream, long arrivalTimestamp)
    {
        var start = (_next - _count + _ring.Length) % Math.Max(1, _ring.Length);
        var first = Math.Min(_count, _ring.Length - start);
        if (first > 0)
        {
            stream.Write(_ring.AsSpan(start, first), arrivalTimestamp);
        }

        if (_count > first)
        {
            stream.Write(_ring.AsSpan(0, _count - first), arrivalTimestamp);
        }
    }
}
