namespace Seva.Actors.Audio.Lame;

/// <summary>Incremental MP3 encoder (CBR, mono, at the capture rate) over LAME.</summary>
/// <remarks>Not thread-safe: one instance per recording, fed in order. No Xing/Info header is written,
/// because the file is streamed to storage as it grows and cannot be patched at the start afterwards;
/// CBR lets players derive the duration from the size anyway.</remarks>
public sealed class Mp3Encoder : IDisposable
{
    private readonly LameHandle _lame;

    public Mp3Encoder(int sampleRate, int bitrateKbps)
    {
        SampleRate = sampleRate;
        BitrateKbps = bitrateKbps;
        LameHandle lame;
        try
        {
            lame = LameNative.lame_init();
        }
        catch (DllNotFoundException ex)
        {
            throw new InvalidOperationException($"The MP3 encoder library {LameNative.Library} is missing: install the Debian package libmp3lame0.", ex);
        }

        if (lame.IsInvalid)
        {
            throw new InvalidOperationException("LAME could not allocate an encoder.");
        }

        _lame = lame;
        var ok = LameNative.lame_set_num_channels(_lame, 1) == 0
            & LameNative.lame_set_in_samplerate(_lame, sampleRate) == 0
            & LameNative.lame_set_out_samplerate(_lame, sampleRate) == 0
            & LameNative.lame_set_mode(_lame, LameNative.ModeMono) == 0
            & LameNative.lame_set_VBR(_lame, LameNative.VbrOff) == 0
            & LameNative.lame_set_brate(_lame, bitrateKbps) == 0
            & LameNative.lame_set_quality(_lame, 5) == 0
            & LameNative.lame_set_bWriteVbrTag(_lame, 0) == 0;
        if (!ok || LameNative.lame_init_params(_lame) < 0)
        {
            _lame.Dispose();
            throw new ArgumentException($"LAME cannot encode mono {sampleRate} Hz at {bitrateKbps} kbps.");
        }
    }

    public int SampleRate { get; }

    public int BitrateKbps { get; }

    /// <summary>The bitrate we store speech at: 64 kbps, or 32 kbps at 8 kHz (MPEG-2.5 tops out at 64
    /// and 8 kHz speech gains nothing above 32).</summary>
    public static int BitrateFor(int sampleRate) => sampleRate <= 8000 ? 32 : 64;

    /// <summary>Worst-case output size for a number of input samples (LAME's documented bound).</summary>
    public static int MaxOutputBytes(int samples) => (int)(1.25 * samples) + 7200;

    /// <summary>Encodes samples; returns bytes written to <paramref name="output"/> (may be 0 while LAME buffers).</summary>
    public unsafe int Encode(ReadOnlySpan<short> samples, Span<byte> output)
    {
        fixed (short* pcm = samples)
        fixed (byte* mp3 = output)
        {
            var n = LameNative.lame_encode_buffer(_lame, pcm, pcm, samples.Length, mp3, output.Length);
            return n >= 0 ? n : throw new InvalidOperationException($"LAME failed to encode ({n}).");
        }
    }

    /// <summary>Writes out what LAME still buffers; call once at the end.</summary>
    public unsafe int Flush(Span<byte> output)
    {
        fixed (byte* mp3 = output)
        {
            var n = LameNative.lame_encode_flush(_lame, mp3, output.Length);
            return n >= 0 ? n : throw new InvalidOperationException($"LAME failed to flush ({n}).");
        }
    }

    public void Dispose() => _lame.Dispose();
}
