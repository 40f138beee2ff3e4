using FsCheck.Xunit;
using Seva.Actors.Audio;

namespace Seva.Actors.Tests.Properties;

public sealed class AudioFrameProperties
{
    [Property(MaxTest = 200)]
    public bool BuildThenParse_ReturnsTheSameSamples(short[] samples)
    {
        var frame = AudioFrame.Build(samples);
        if (!AudioFrame.TryParse(frame, out var pcm, out _))
        {
            return samples.Length * 2 + 1 > AudioFrame.MaxFrameBytes;
        }

        var back = new short[pcm.Length / 2];
        Pcm.ReadLittleEndian(pcm, back);
        return frame[0] == 0x01 && frame.Length == (samples.Length * 2) + 1 && back.SequenceEqual(samples);
    }

    [Property(MaxTest = 200)]
    public bool Parse_FrameNotStartingWith0x01_IsRejected(byte first, byte[] rest)
    {
        var frame = new[] { first }.Concat(rest ?? []).ToArray();
        var ok = AudioFrame.TryParse(frame, out _, out var error);
        return first == 0x01 || (!ok && error.Contains("0x01", StringComparison.Ordinal));
    }

    [Property(MaxTest = 200)]
    public bool Parse_OddPcmByteCount_IsRejected(byte[] pcm)
    {
        var frame = new byte[] { 0x01 }.Concat(pcm ?? []).ToArray();
        var ok = AudioFrame.TryParse(frame, out _, out var error);
        return (frame.Length - 1) % 2 == 0 ? ok : !ok && error.Contains("odd", StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_FrameOver64KiB_IsRejected_AndExactly64KiBIsAccepted()
    {
        var limit = new byte[AudioFrame.MaxFrameBytes];
        limit[0] = 0x01;
        Assert.False(AudioFrame.TryParse(limit, out _, out _)); // 65535 PCM bytes: odd
        var even = new byte[AudioFrame.MaxFrameBytes - 1];
        even[0] = 0x01;
        Assert.True(AudioFrame.TryParse(even, out _, out _));
        var over = new byte[AudioFrame.MaxFrameBytes + 2];
        over[0] = 0x01;
        Assert.False(AudioFrame.TryParse(over, out _, out var error));
        Assert.Contains("limit", error, StringComparison.Ordinal);
    }
}
