using System.Buffers;

namespace Seva.Actors.Speech.PocketSphinx;

/// <summary>The audio of the utterance being decoded, from a little before its onset, kept for the
/// accurate final pass (<see cref="AccurateFinalPass"/>). Used by the worker holding the stream only.</summary>
/// <remarks>While nobody speaks only the last <c>preRollSamples</c> are kept, so a long pause costs
/// nothing; an utterance longer than <c>maxSamples</c> stops being kept (its final comes from the live
/// pass: decoding it again would hold the final back too long).</remarks>
internal sealed class UtteranceAudio(int preRollSamples, int maxSamples) : IDisposable
{
    private short[] _buffer = ArrayPool<short>.Shared.Rent(preRollSamples * 4);
    private int _length;
    private long _start;
    private bool _overflowed;

    /// <summary>Whether the whole utterance, with its pre-roll, is here.</summary>
    public bool Complete => !_overflowed && _length > 0;

    public ReadOnlySpan<short> Samples => _buffer.AsSpan(0, _length);

    /// <summary>Stream position of the first kept sample, in samples.</summary>
    public long Start => _start;

    public void Append(ReadOnlySpan<short> samples)
    {
        if (_overflowed)
        {
            return;
        }

        if (_length + samples.Length > maxSamples)
        {
            _overflowed = true;
            return;
        }

        if (_length + samples.Length > _buffer.Length)
        {
            var larger = ArrayPool<short>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + samples.Length));
            _buffer.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<short>.Shared.Return(_buffer);
            _buffer = larger;
        }

        samples.CopyTo(_buffer.AsSpan(_length));
        _length += samples.Length;
    }

    /// <summary>Nobody speaks: keep only the pre-roll (a copy of at most the pre-roll, once a step).</summary>
    public void TrimToPreRoll()
    {
        if (_length <= preRollSamples)
        {
            return;
        }

        var drop = _length - preRollSamples;
        _buffer.AsSpan(drop, preRollSamples).CopyTo(_buffer);
        _length = preRollSamples;
        _start += drop;
    }

    /// <summary>The utterance is over: the next one starts at <paramref name="position"/>.</summary>
    public void Restart(long position)
    {
        _length = 0;
        _start = position;
        _overflowed = false;
    }

    public void Dispose()
    {
        ArrayPool<short>.Shared.Return(_buffer);
        _buffer = [];
    }
}
