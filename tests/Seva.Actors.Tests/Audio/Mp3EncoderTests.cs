using FsCheck;
using FsCheck.Xunit;
using Seva.Actors.Audio;
using Seva.Actors.Audio.Lame;
using Seva.Actors.Dictation;
using Seva.Actors.Tests.Support;

namespace Seva.Actors.Tests.Audio;

public sealed class Mp3EncoderTests
{
    /// <summary>One sample rate from capture to record: the quality's rate is the MP3's rate.</summary>
    [Property(MaxTest = 12)]
    public bool Encode_AnyQualityAndChunking_KeepsRateMonoCbrAndLength(byte qualityIndex, PositiveInt chunkMs)
    {
        var quality = DictationQuality.All[qualityIndex % DictationQuality.All.Count];
        DictationQuality.TryGetSampleRate(quality, out var rate);
        var input = ResamplerTests.Sine(440, rate, 1.5, 8000);
        var chunk = Math.Max(1, rate * Math.Min(chunkMs.Get, 500) / 1000);
        var mp3 = Encode(input, rate, chunk);

        var frames = Mp3Frames.Read(mp3);
        var extra = frames.Duration - 1.5; // encoder delay and the last frame's padding
        return frames.SampleRate == rate && frames.Mono && frames.BitrateKbps == Mp3Encoder.BitrateFor(rate) && extra is >= 0 and < 0.2;
    }

    [Fact]
    public void BitrateFor_IsSixtyFourKbpsButThirtyTwoAt8kHz()
    {
        Assert.Equal(32, Mp3Encoder.BitrateFor(8000));
        Assert.Equal(64, Mp3Encoder.BitrateFor(16000));
        Assert.Equal(64, Mp3Encoder.BitrateFor(48000));
    }

    internal static byte[] Encode(short[] input, int rate, int chunk)
    {
        using var encoder = new Mp3Encoder(rate, Mp3Encoder.BitrateFor(rate));
        using var output = new MemoryStream();
        var buffer = new byte[Mp3Encoder.MaxOutputBytes(chunk)];
        for (var offset = 0; offset < input.Length; offset += chunk)
        {
            var n = encoder.Encode(input.AsSpan(offset, Math.Min(chunk, input.Length - offset)), buffer);
            output.Write(buffer, 0, n);
        }

        output.Write(buffer, 0, encoder.Flush(buffer));
        return output.ToArray();
    }
}
