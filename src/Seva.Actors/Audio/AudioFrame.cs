using System.Runtime.InteropServices;

namespace Seva.Actors.Audio;

/// <summary>The binary audio frame of the WebSocket APIs: byte 0 = 0x01, then PCM 16-bit signed LE mono.</summary>
public static class AudioFrame
{
    public const byte AudioType = 0x01;

    /// <summary>Largest accepted frame, type byte included (64 KiB).</summary>
    public const int MaxFrameBytes = 64 * 1024;

    /// <summary>Checks a frame and returns its PCM payload, or null with the reason in <paramref name="error"/>.</summary>
    public static bool TryParse(ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> pcm, out string error)
    {
        pcm = default;
        if (frame.Length == 0)
        {
            error = "Empty binary frame: an audio frame is byte 0x01 followed by 16-bit PCM.";
            return false;
        }

        if (frame.Length > MaxFrameBytes)
        {
            error = $"Audio frame of {frame.Length} bytes is over the {MaxFrameBytes}-byte limit: send shorter chunks (250 ms is 8 KB at 16 kHz).";
            return false;
        }

        if (frame[0] != AudioType)
        {
            error = $"Binary frame starts with 0x{frame[0]:X2}; audio frames start with 0x01.";
            return false;
        }

        if ((frame.Length - 1) % 2 != 0)
        {
            error = $"Audio frame has {frame.Length - 1} PCM bytes, an odd count: samples are 16-bit, 2 bytes each.";
            return false;
        }

        pcm = frame[1..];
        error = string.Empty;
        return true;
    }

    /// <summary>Builds a frame from samples (for clients and tests).</summary>
    public static byte[] Build(ReadOnlySpan<short> samples)
    {
        var frame = new byte[1 + (samples.Length * 2)];
        frame[0] = AudioType;
        Pcm.WriteLittleEndian(samples, frame.AsSpan(1));
        return frame;
    }
}

/// <summary>16-bit PCM helpers.</summary>
public static class Pcm
{
    /// <summary>Reads little-endian 16-bit samples; <paramref name="into"/> must hold bytes/2 samples.</summary>
    public static void ReadLittleEndian(ReadOnlySpan<byte> bytes, Span<short> into)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, short>(bytes).CopyTo(into);
            return;
        }

        for (var i = 0; i < bytes.Length / 2; i++)
        {
            into[i] = System.Buffers.Binary.BinaryPrimitives.ReadInt16LittleEndian(bytes[(i * 2)..]);
        }
    }

    public static void WriteLittleEndian(ReadOnlySpan<short> samples, Span<byte> into)
    {
        for (var i = 0; i < samples.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(into[(i * 2)..], samples[i]);
        }
    }

    public static double Seconds(long samples, int sampleRate) => samples / (double)sampleRate;
}
