namespace Seva.Actors.Audio;

/// <summary>Streaming rational resampler (polyphase windowed-sinc FIR), e.g. 8 or 48 kHz to 16 kHz.</summary>
/// <remarks>Keeps the filter history between chunks so chunk boundaries leave no clicks, and counts
/// output positions exactly, so N seconds in give N seconds out (within one sample). Not thread-safe:
/// one instance per stream.</remarks>
public sealed class Resampler
{
    private const int TapsPerPhaseUnit = 64;

    private readonly int _up;
    private readonly int _down;
    private readonly float[] _filter;
    private readonly float[] _history;
    private readonly int _taps; // taps per phase: more when decimating, so the anti-alias filter stays sharp
    private long _inputSeen;
    private long _nextOutputPosition; // in units of 1/_up input samples

    public Resampler(int inputRate, int outputRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputRate);
        var gcd = Gcd(inputRate, outputRate);
        InputRate = inputRate;
        OutputRate = outputRate;
        _up = outputRate / gcd;
        _down = inputRate / gcd;
        _taps = TapsPerPhaseUnit * Math.Max(1, (_down + _up - 1) / _up);
        _history = new float[_taps - 1];
        _filter = IsPassThrough ? [] : DesignFilter(_up, _down, _taps);
    }

    public int InputRate { get; }

    public int OutputRate { get; }

    public bool IsPassThrough => _up == 1 && _down == 1;

    /// <summary>The most output samples <see cref="Process"/> can write for this many input samples.</summary>
    public int MaxOutput(int inputSamples) => (int)(((long)inputSamples * _up / _down) + 2);

    /// <summary>Resamples a whole recording at once (uploads, synthesised speech, tests).</summary>
    public static short[] Convert(short[] samples, int inputRate, int outputRate)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (inputRate == outputRate)
        {
            return samples;
        }

        var resampler = new Resampler(inputRate, outputRate);
        var output = new short[resampler.MaxOutput(samples.Length)];
        return output[..resampler.Process(samples, output)];
    }

    /// <summary>Resamples a chunk; returns how many samples were written to <paramref name="output"/>.</summary>
    public int Process(ReadOnlySpan<short> input, Span<short> output)
    {
        if (IsPassThrough)
        {
            input.CopyTo(output);
            return input.Length;
        }

        var written = 0;
        var end = _inputSeen + input.Length;
        while (true)
        {
            var inputIndex = _nextOutputPosition / _up; // newest input sample this output depends on
            if (inputIndex >= end)
            {
                break;
            }

            var phase = (int)(_nextOutputPosition % _up);
            var acc = 0f;
            for (var k = 0; k < _taps; k++)
            {
                var absolute = inputIndex - k;
                var relative = absolute - _inputSeen;
                float x = relative >= 0
                    ? input[(int)relative]
                    : relative >= -_history.Length ? _history[_history.Length + (int)relative] : 0f;
                acc += _filter[phase + (k * _up)] * x;
            }

            output[written++] = (short)Math.Clamp(MathF.Round(acc), short.MinValue, short.MaxValue);
            _nextOutputPosition += _down;
        }

        // keep the newest _taps-1 input samples for the next chunk
        var keep = _history.Length;
        if (input.Length >= keep)
        {
            for (var i = 0; i < keep; i++)
            {
                _history[i] = input[input.Length - keep + i];
            }
        }
        else
        {
            Array.Copy(_history, input.Length, _history, 0, keep - input.Length);
            for (var i = 0; i < input.Length; i++)
            {
                _history[keep - input.Length + i] = input[i];
            }
        }

        _inputSeen = end;
        return written;
    }

    private static float[] DesignFilter(int up, int down, int taps)
    {
        // Low-pass at the lower Nyquist frequency (with a little guard band), at the up-sampled rate.
        var length = taps * up;
        var cutoff = 0.95 * 0.5 / Math.Max(up, down); // cycles per up-sampled sample
        var filter = new float[length];
        var centre = (length - 1) / 2.0;
        for (var n = 0; n < length; n++)
        {
            var t = n - centre;
            var sinc = t == 0 ? 2 * cutoff : Math.Sin(2 * Math.PI * cutoff * t) / (Math.PI * t);
            var window = 0.42 - (0.5 * Math.Cos(2 * Math.PI * n / (length - 1))) + (0.08 * Math.Cos(4 * Math.PI * n / (length - 1)));
            filter[n] = (float)(sinc * window * up); // gain `up` makes up for the zeros stuffed between samples
        }

        return filter;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
