using System.Diagnostics;
using Seva.Actors.Audio;

namespace Seva.Actors.Speech;

/// <summary>Speaks text for listeners who turned audio on.</summary>
public interface ISpeechSynthesizer
{
    /// <summary>16-bit mono PCM at <see cref="SampleRate"/>; empty when the language has no voice.</summary>
    Task<short[]> SynthesizeAsync(string text, string language, CancellationToken cancellationToken);

    int SampleRate { get; }
}

/// <summary>espeak-ng (Debian package espeak-ng), one short process per utterance: it starts in a few
/// milliseconds, so a long-lived process would save little and share state between broadcasts.</summary>
public sealed class EspeakSynthesizer : ISpeechSynthesizer
{
    private static readonly Dictionary<string, string> Voices = new(StringComparer.OrdinalIgnoreCase)
    {
        ["en"] = "en-us", ["es"] = "es", ["fr"] = "fr-fr", ["pt"] = "pt", ["it"] = "it", ["ca"] = "ca",
        ["gl"] = "gl", ["ro"] = "ro", ["de"] = "de", ["nl"] = "nl", ["eo"] = "eo", ["eu"] = "eu",
    };

    public int SampleRate => 16000;

    public async Task<short[]> SynthesizeAsync(string text, string language, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text) || !Voices.TryGetValue(language, out var voice))
        {
            return [];
        }

        var start = new ProcessStartInfo("espeak-ng") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-v", voice, "--stdout", "--", text })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("espeak-ng did not start: install the Debian package espeak-ng.");
        using var wav = new MemoryStream();
        await process.StandardOutput.BaseStream.CopyToAsync(wav, cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"espeak-ng failed: {await process.StandardError.ReadToEndAsync(cancellationToken)}");
        }

        var speech = WavFile.Read(wav.GetBuffer().AsSpan(0, (int)wav.Length));
        return Resampler.Convert(speech.Samples, speech.SampleRate, SampleRate);
    }
}
