using System.Runtime.InteropServices;

namespace Seva.Actors.Audio.Mpg123;

/// <summary>Decodes a whole MP3 in memory to 16-bit mono PCM, over libmpg123.</summary>
/// <remarks>Thread-safe: each call uses its own decoder handle.</remarks>
public static class Mp3Decoder
{
    private static readonly int[] Rates = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000];
    private static readonly Lazy<bool> Initialised = new(() => Mpg123Native.mpg123_init() == Mpg123Native.Ok);

    /// <summary>Decodes <paramref name="mp3"/>; throws <see cref="InvalidDataException"/> for data that is
    /// not MP3 or is corrupt.</summary>
    public static unsafe WavFile Decode(ReadOnlySpan<byte> mp3)
    {
        try
        {
            _ = Initialised.Value;
        }
        catch (DllNotFoundException ex)
        {
            throw new InvalidOperationException($"The MP3 decoder library {Mpg123Native.Library} is missing: install the Debian package libmpg123-0.", ex);
        }

        using var handle = Mpg123Native.mpg123_new(0, out var error);
        if (handle.IsInvalid)
        {
            throw new InvalidOperationException($"libmpg123 could not create a decoder ({error}).");
        }

        // Ask for 16-bit output at whatever rate and channel count the file has.
        Mpg123Native.mpg123_format_none(handle);
        foreach (var rate in Rates)
        {
            Mpg123Native.mpg123_format(handle, rate, Mpg123Native.Mono | Mpg123Native.Stereo, Mpg123Native.EncodingSigned16);
        }

        Check(handle, Mpg123Native.mpg123_open_feed(handle));
        fixed (byte* input = mp3)
        {
            Check(handle, Mpg123Native.mpg123_feed(handle, input, (nuint)mp3.Length));
        }

        var samples = new List<short>(mp3.Length * 8);
        var buffer = new byte[64 * 1024];
        int sampleRate = 0, channels = 0;
        while (true)
        {
            int rc;
            nuint done;
            fixed (byte* output = buffer)
            {
                rc = Mpg123Native.mpg123_read(handle, output, (nuint)buffer.Length, out done);
            }

            if (rc == Mpg123Native.NewFormat)
            {
                Check(handle, Mpg123Native.mpg123_getformat(handle, out var r, out channels, out _));
                sampleRate = (int)r;
                continue;
            }

            if (done > 0 && channels > 0)
            {
                var pcm = MemoryMarshal.Cast<byte, short>(buffer.AsSpan(0, (int)done));
                for (var i = 0; i + channels <= pcm.Length; i += channels)
                {
                    samples.Add(channels == 1 ? pcm[i] : (short)((pcm[i] + pcm[i + 1]) / 2));
                }
            }

            if (rc is Mpg123Native.NeedMore or Mpg123Native.Done)
            {
                break;
            }

            Check(handle, rc);
        }

        if (sampleRate == 0 || samples.Count == 0)
        {
            throw new InvalidDataException("The file holds no MP3 audio (or it is corrupt).");
        }

        return new WavFile(sampleRate, [.. samples]);
    }

    private static void Check(Mpg123Handle handle, int rc)
    {
        if (rc != Mpg123Native.Ok)
        {
            throw new InvalidDataException("The MP3 could not be decoded: " + (Marshal.PtrToStringUTF8(Mpg123Native.mpg123_strerror(handle)) ?? rc.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }
}
