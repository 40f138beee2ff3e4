using System.Diagnostics;
using Seva.Actors.Audio;

namespace Seva.Bench;

/// <summary>Sentences with known words, spoken by flite's slt and awb voices, trimmed of their own
/// leading and trailing silence so "end of speech" is where the words end.</summary>
internal sealed class Corpus
{
    public const int Rate = 16000;

    private static readonly string[] Sentences =
    [
        "she has a history of diabetes and high blood pressure",
        "the wound is healing well with no sign of infection",
        "blood pressure is normal and the heart rate is regular",
        "the patient was given two tablets of aspirin this morning",
        "please schedule a follow up visit in two weeks",
        "the patient reports a mild headache since yesterday",
        "there is no history of allergies to any medication",
        "the chest is clear and the abdomen is soft",
        "she was advised to rest and drink plenty of water",
        "the results of the blood test will be ready tomorrow",
        "he has been taking his medicine every day",
        "there was some swelling in the left ankle",
        "the child has had a cough and a fever for three days",
        "we will check her blood sugar again next week",
        "the patient feels much better than last time",
        "his breathing is normal and there is no pain",
    ];

    private static readonly string[] Voices = ["slt", "awb"];

    private Corpus(IReadOnlyList<Utterance> utterances) => Utterances = utterances;

    public IReadOnlyList<Utterance> Utterances { get; }

    public static Corpus Load()
    {
        var list = new List<Utterance>();
        foreach (var voice in Voices)
        {
            foreach (var sentence in Sentences)
            {
                list.Add(new Utterance(sentence, voice, Trim(Speak(sentence, voice))));
            }
        }

        return new Corpus(list);
    }

    internal static short[] Speak(string text, string voice)
    {
        var path = Path.Combine(Path.GetTempPath(), $"seva-bench-{Guid.NewGuid():N}.wav");
        try
        {
            var start = new ProcessStartInfo("flite") { RedirectStandardError = true };
            foreach (var arg in new[] { "-voice", voice, "-t", text, "-o", path })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("flite did not start: install the Debian package flite.");
            process.WaitForExit();
            var wav = WavFile.Read(File.ReadAllBytes(path));
            return Resampler.Convert(wav.Samples, wav.SampleRate, Rate);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Cuts leading and trailing frames quieter than -40 dBFS.</summary>
    internal static short[] Trim(short[] samples)
    {
        const int frame = Rate / 100;
        const double threshold = 327.0; // 1% of full scale
        int first = 0, last = samples.Length;
        while (first + frame < samples.Length && Rms(samples.AsSpan(first, frame)) < threshold)
        {
            first += frame;
        }

        while (last - frame > first && Rms(samples.AsSpan(last - frame, frame)) < threshold)
        {
            last -= frame;
        }

        return samples[first..last];
    }

    private static double Rms(ReadOnlySpan<short> s)
    {
        double sum = 0;
        foreach (var x in s)
        {
            sum += x * (double)x;
        }

        return Math.Sqrt(sum / s.Length);
    }
}

internal sealed record Utterance(string Text, string Voice, short[] Samples)
{
    public double Seconds => Samples.Length / (double)Corpus.Rate;
}
