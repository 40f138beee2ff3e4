using Seva.Actors.Audio;

namespace Seva.Bench;

/// <summary>Short independent dictations, each a session of its own, as clinicians dictate one note
/// and press Stop: flite's four English voices on sentences no test uses, each after 0-1.5 s of
/// silence (press Start, then speak), plus the real speech of the pocketsphinx-testdata recordings.</summary>
internal static class AccuracyCorpus
{
    /// <summary>Leading silences, taken in turn: Start is pressed some time before the first word.</summary>
    private static readonly double[] LeadSeconds = [0, 0.3, 0.7, 1.0, 1.5];

    private static readonly string[] Sentences =
    [
        "the patient was admitted with shortness of breath and a persistent cough",
        "blood pressure was high this morning so we increased the dose",
        "she denies any chest pain or palpitations at rest",
        "the wound looks clean and there is no sign of infection",
        "he has been taking his medication twice a day with food",
        "we will order a chest x ray and basic blood work",
        "her father had heart disease and her mother has diabetes",
        "the child has had a fever for three days and is not eating well",
        "continue the current treatment and review the results on monday",
        "the patient reports mild nausea after meals and no vomiting",
        "i would like a cup of coffee and a piece of toast",
        "the train to the city leaves at half past seven",
        "can you call me back when you get home tonight",
        "we walked along the river and watched the boats go by",
        "the meeting has been moved to thursday afternoon",
        "my sister bought a new car last week",
        "it is going to rain later so take an umbrella",
        "the children played in the garden until it got dark",
        "please turn off the lights when you leave the room",
        "he reads the newspaper every morning before work",
    ];

    public static readonly string[] Voices = ["slt", "awb", "rms", "kal"];

    private const string TestData = "/usr/share/pocketsphinx/test/data/librivox";

    public static IReadOnlyList<Dictation> Load(TextWriter log)
    {
        var list = new List<Dictation>();
        var n = 0;
        foreach (var voice in Voices)
        {
            foreach (var sentence in Sentences)
            {
                var speech = Corpus.Trim(Corpus.Speak(sentence, voice));
                list.Add(new Dictation(sentence, voice, Pad(speech, LeadSeconds[n++ % LeadSeconds.Length])));
            }
        }

        var transcription = Path.Combine(TestData, "transcription");
        if (File.Exists(transcription))
        {
            foreach (var line in File.ReadLines(transcription))
            {
                // <s> words </s> (file-id)
                var open = line.LastIndexOf('(');
                var id = line[(open + 1)..line.LastIndexOf(')')];
                var text = line[..open].Replace("<s>", "", StringComparison.Ordinal).Replace("</s>", "", StringComparison.Ordinal).Trim();
                var wav = WavFile.Read(File.ReadAllBytes(Path.Combine(TestData, id + ".wav")));
                list.Add(new Dictation(text, "librivox", Pad(Resampler.Convert(wav.Samples, wav.SampleRate, Corpus.Rate), 0)));
            }
        }
        else
        {
            log.WriteLine("accuracy: pocketsphinx-testdata is not installed; its recordings are left out (apt-get install pocketsphinx-testdata)");
        }

        return list;
    }

    /// <summary>Lead silence before, one second after: the speaker pauses, then presses Stop.</summary>
    private static short[] Pad(short[] speech, double leadSeconds) =>
        [.. new short[(int)(leadSeconds * Corpus.Rate)], .. speech, .. new short[Corpus.Rate]];
}

internal sealed record Dictation(string Text, string Voice, short[] Samples)
{
    public double Seconds => Samples.Length / (double)Corpus.Rate;
}
