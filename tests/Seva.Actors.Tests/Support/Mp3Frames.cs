namespace Seva.Actors.Tests.Support;

/// <summary>Walks MPEG audio Layer III frame headers: what a decoder would see of the stream's format.</summary>
public sealed record Mp3Frames(int Count, int SampleRate, int BitrateKbps, bool Mono, double Duration)
{
    private static readonly int[] Mpeg1Bitrates = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
    private static readonly int[] Mpeg2Bitrates = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

    public static Mp3Frames Read(byte[] data)
    {
        var pos = 0;
        var count = 0;
        int? rate = null;
        int? bitrate = null;
        var mono = true;
        long samples = 0;
        while (pos + 4 <= data.Length)
        {
            if (data[pos] != 0xFF || (data[pos + 1] & 0xE0) != 0xE0)
            {
                throw new InvalidDataException($"No frame sync at byte {pos}.");
            }

            var version = (data[pos + 1] >> 3) & 3; // 0 = 2.5, 2 = 2, 3 = 1
            var layer = (data[pos + 1] >> 1) & 3;   // 1 = layer III
            var bitrateIndex = data[pos + 2] >> 4;
            var rateIndex = (data[pos + 2] >> 2) & 3;
            var padding = (data[pos + 2] >> 1) & 1;
            var channelMode = data[pos + 3] >> 6;   // 3 = mono
            if (layer != 1 || version == 1 || rateIndex == 3)
            {
                throw new InvalidDataException($"Not a Layer III frame at byte {pos}.");
            }

            int[] rates = version switch { 3 => [44100, 48000, 32000], 2 => [22050, 24000, 16000], _ => [11025, 12000, 8000] };
            var sr = rates[rateIndex];
            var kbps = (version == 3 ? Mpeg1Bitrates : Mpeg2Bitrates)[bitrateIndex];
            var samplesPerFrame = version == 3 ? 1152 : 576;
            var length = (samplesPerFrame / 8 * kbps * 1000 / sr) + padding;
            if (rate is not null && (rate != sr || bitrate != kbps))
            {
                throw new InvalidDataException("Sample rate or bitrate changes within the stream.");
            }

            rate = sr;
            bitrate = kbps;
            mono &= channelMode == 3;
            samples += samplesPerFrame;
            count++;
            pos += length;
        }

        return rate is null
            ? throw new InvalidDataException("No MP3 frames.")
            : new Mp3Frames(count, rate.Value, bitrate!.Value, mono, samples / (double)rate.Value);
    }
}
