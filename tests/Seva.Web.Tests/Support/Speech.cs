using System.Diagnostics;
using Seva.Actors.Audio;

namespace Seva.Web.Tests.Support;

/// <summary>Test speech from flite (known words) and checks of stored MP3s with mpg123.</summary>
public static class Speech
{
    public static short[] Say(string text, int sampleRate = 16000, string voice = "slt")
    {
        var path = Path.Combine(Path.GetTempPath(), $"seva-flite-{Guid.NewGuid():N}.wav");
        try
        {
            Run("flite", "-voice", voice, "-t", text, "-o", path);
            var wav = WavFile.Read(File.ReadAllBytes(path));
            return Resampler.Convert(wav.Samples, wav.SampleRate, sampleRate);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static short[] Silence(double seconds, int sampleRate) => new short[(int)(seconds * sampleRate)];

    public static short[] Concat(params short[][] parts) => [.. parts.SelectMany(p => p)];

    /// <summary>Decodes an MP3 with mpg123 and returns its duration in seconds.</summary>
    public static double Mp3Duration(byte[] mp3, out int sampleRate)
    {
        var path = Path.Combine(Path.GetTempPath(), $"seva-mp3-{Guid.NewGuid():N}.mp3");
        var raw = Path.ChangeExtension(path, ".raw");
        try
        {
            File.WriteAllBytes(path, mp3);
            var info = Run("mpg123", "-q", "-m", "-e", "s16", "-s", "-w", raw + ".wav", path);
            var wav = WavFile.Read(File.ReadAllBytes(raw + ".wav"));
            sampleRate = wav.SampleRate;
            _ = info;
            return wav.Duration;
        }
        finally
        {
            File.Delete(path);
            File.Delete(raw + ".wav");
        }
    }

    private static string Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? stdout.Result : throw new InvalidOperationException($"{program} failed: {stderr}");
    }
}
