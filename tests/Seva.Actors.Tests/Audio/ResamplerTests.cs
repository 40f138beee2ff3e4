using Seva.Actors.Audio;

namespace Seva.Actors.Tests.Audio;

public sealed class ResamplerTests
{
    [Theory]
    [InlineData(16000, 48000, 1000)]
    [InlineData(16000, 48000, 3000)]
    [InlineData(16000, 48000, 6000)]
    [InlineData(16000, 8000, 1000)]
    [InlineData(8000, 16000, 1000)]
    [InlineData(48000, 16000, 5000)]
    public void Process_SineBelowNyquist_KeepsItsShapeAndLevel(int from, int to, int frequency)
    {
        var input = Sine(frequency, from, 1.0, 10000);
        var output = Run(new Resampler(from, to), input, 977);

        // Fit a sine of the same frequency (any phase: the filter delays) and measure what is left over.
        double ss = 0, sc = 0, cc = 0, ys = 0, yc = 0, yy = 0;
        var range = Enumerable.Range(2000, output.Length - 4000).ToArray();
        foreach (var i in range)
        {
            var s = Math.Sin(2 * Math.PI * frequency * i / to);
            var c = Math.Cos(2 * Math.PI * frequency * i / to);
            ss += s * s;
            sc += s * c;
            cc += c * c;
            ys += output[i] * s;
            yc += output[i] * c;
            yy += output[i] * (double)output[i];
        }

        var det = (ss * cc) - (sc * sc);
        var a = ((ys * cc) - (yc * sc)) / det;
        var b = ((yc * ss) - (ys * sc)) / det;
        var amplitude = Math.Sqrt((a * a) + (b * b));
        var residual = yy - ((a * ys) + (b * yc));
        var best = 10 * Math.Log10(residual / yy);
        Assert.InRange(amplitude, 9500, 10500);
        Assert.True(best < -30, $"error {best:F1} dB");
    }

    internal static short[] Run(Resampler resampler, short[] input, int chunk)
    {
        var output = new List<short>();
        var buffer = new short[resampler.MaxOutput(chunk)];
        for (var offset = 0; offset < input.Length; offset += chunk)
        {
            var n = resampler.Process(input.AsSpan(offset, Math.Min(chunk, input.Length - offset)), buffer);
            output.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        return [.. output];
    }

    internal static short[] Sine(double frequency, int rate, double seconds, double amplitude) =>
        [.. Enumerable.Range(0, (int)(rate * seconds)).Select(i => (short)(amplitude * Math.Sin(2 * Math.PI * frequency * i / rate)))];
}
