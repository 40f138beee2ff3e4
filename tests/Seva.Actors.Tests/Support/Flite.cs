using System.Diagnostics;
using System.Collections.Concurrent;
using Seva.Actors.Audio;

namespace Seva.Actors.Tests.Support;

/// <summary>Real speech with known words, from the flite synthesiser (Debian package flite).</summary>
public static class Flite
{
    private static readonly ConcurrentDictionary<(string, string), WavFile> Cache = new();

    public static WavFile Speak(string text, string voice = "slt") =>
        Cache.GetOrAdd((text, voice), key => Synthesise(key.Item1, key.Item2));

    private static WavFile Synthesise(string text, string voice)
    {
        var path = Path.Combine(Path.GetTempPath(), $"seva-flite-{Guid.NewGuid():N}.wav");
        try
        {
            var start = new ProcessStartInfo("flite") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var arg in new[] { "-voice", voice, "-t", text, "-o", path })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("flite did not start: install the Debian package flite.");
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"flite failed: {process.StandardError.ReadToEnd()}");
            }

            return WavFile.Read(File.ReadAllBytes(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
