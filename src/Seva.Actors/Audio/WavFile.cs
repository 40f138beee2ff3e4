using System.Buffers.Binary;

namespace Seva.Actors.Audio;

/// <summary>A decoded 16-bit PCM WAV file (mixed down to mono).</summary>
public sealed record WavFile(int SampleRate, short[] Samples)
{
    public double Duration => Samples.Length / (double)SampleRate;

    /// <summary>Reads RIFF/WAVE with 16-bit PCM, mono or stereo; throws <see cref="InvalidDataException"/>
    /// with the reason otherwise.</summary>
    public static WavFile Read(ReadOnlySpan<byte> data)
    {
        if (data.Length < 12 || !data[..4].SequenceEqual("RIFF"u8) || !data.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException("Not a WAV file (no RIFF/WAVE header).");
        }

        int? rate = null;
        var channels = 0;
        var pos = 12;
        while (pos + 8 <= data.Length)
        {
            var id = data.Slice(pos, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(pos + 4, 4));
            var body = pos + 8;
            if (size < 0)
            {
                throw new InvalidDataException("Corrupt WAV chunk size.");
            }

            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16 || body + 16 > data.Length)
                {
                    throw new InvalidDataException("Corrupt WAV format chunk.");
                }

                var format = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(body, 2));
                channels = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(body + 2, 2));
                rate = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(body + 4, 4));
                var bits = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(body + 14, 2));
                if ((format != 1 && format != 0xFFFE) || bits != 16)
                {
                    throw new InvalidDataException($"Unsupported WAV encoding (format {format}, {bits} bits): only 16-bit PCM is supported.");
                }

                if (channels is < 1 or > 2)
                {
                    throw new InvalidDataException($"Unsupported WAV channel count {channels}: mono or stereo only.");
                }
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (rate is null)
                {
                    throw new InvalidDataException("WAV data chunk before its format chunk.");
                }

                var length = Math.Min(size, data.Length - body);
                var frames = length / (2 * channels);
                var samples = new short[frames];
                for (var i = 0; i < frames; i++)
                {
                    var sum = 0;
                    for (var c = 0; c < channels; c++)
                    {
                        sum += BinaryPrimitives.ReadInt16LittleEndian(data.Slice(body + (((i * channels) + c) * 2), 2));
                    }

                    samples[i] = (short)(sum / channels);
                }

                return new WavFile(rate.Value, samples);
            }

            pos = body + size + (size & 1);
        }

        throw new InvalidDataException("WAV file has no data chunk.");
    }

    /// <summary>Writes mono 16-bit PCM WAV bytes.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[44 + (Samples.Length * 2)];
        "RIFF"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), bytes.Length - 8);
        "WAVEfmt "u8.CopyTo(bytes.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(20), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(22), 1);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(24), SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(28), SampleRate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(32), 2);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(34), 16);
        "data"u8.CopyTo(bytes.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(40), Samples.Length * 2);
        Pcm.WriteLittleEndian(Samples, bytes.AsSpan(44));
        return bytes;
    }
}
