using FsCheck;
using FsCheck.Xunit;
using Seva.Actors.Audio;

namespace Seva.Actors.Tests.Properties;

public sealed class ResamplerProperties
{
    private static readonly int[] Rates = [8000, 16000, 22050, 44100, 48000];

    [Property(MaxTest = 100)]
    public bool Process_AnyChunking_KeepsDuration(PositiveInt length, PositiveInt chunk, byte fromIndex)
    {
        var from = Rates[fromIndex % Rates.Length];
        var samples = new short[Math.Min(length.Get, 20_000)];
        var output = Run(new Resampler(from, 16000), samples, Math.Min(chunk.Get, 5000));
        var expected = samples.Length * 16000.0 / from;
        return Math.Abs(output.Length - expected) <= 1;
    }

    [Property(MaxTest = 50)]
    public bool Process_ChunkedOrWhole_GivesTheSameSamples(short[] samples, PositiveInt chunk, byte fromIndex)
    {
        var from = Rates[fromIndex % Rates.Length];
        var whole = Run(new Resampler(from, 16000), samples, Math.Max(1, samples.Length));
        var chunked = Run(new Resampler(from, 16000), samples, Math.Min(chunk.Get, 997));
        return whole.SequenceEqual(chunked);
    }

    private static short[] Run(Resampler resampler, short[] input, int chunk)
    {
        var output = new List<short>();
        for (var offset = 0; offset < input.Length; offset += chunk)
        {
            var part = input.AsSpan(offset, Math.Min(chunk, input.Length - offset));
            var buffer = new short[resampler.MaxOutput(part.Length)];
            var n = resampler.Process(part, buffer);
            output.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        return [.. output];
    }
}
