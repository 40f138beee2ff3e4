using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Seva.Actors.Speech.PocketSphinx;

/// <summary>Routes the library's log (stderr by default) into our logging.</summary>
/// <remarks>sphinxbase logs through one process-wide FILE*; we point it at a pipe and read the pipe on
/// a background thread, so engine messages land in ILogger with a level taken from their prefix.</remarks>
internal static class PocketSphinxLog
{
    private static readonly Lock Gate = new();
    private static bool _routed;

    /// <summary>Where engine lines go; set by the engine at start-up, null before (lines are dropped).</summary>
    public static ILogger? Logger { get; set; }

    public static unsafe void EnsureRouted()
    {
        lock (Gate)
        {
            if (_routed)
            {
                return;
            }

            var fds = stackalloc int[2];
            if (PocketSphinxNative.pipe(fds) != 0)
            {
                return; // keep the library's default (stderr) rather than fail decoding
            }

            var file = PocketSphinxNative.fdopen(fds[1], "w");
            if (file == 0)
            {
                return;
            }

            _ = PocketSphinxNative.setvbuf(file, 0, PocketSphinxNative.LineBuffered, 0);
            PocketSphinxNative.err_set_logfp(file);
            var reader = new FileStream(new SafeFileHandle(fds[0], ownsHandle: true), FileAccess.Read, 1);
            var thread = new Thread(() => Pump(reader)) { IsBackground = true, Name = "pocketsphinx-log" };
            thread.Start();
            _routed = true;
        }
    }

    private static void Pump(Stream stream)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            var logger = Logger;
            if (logger is null || line.Length == 0)
            {
                continue;
            }

            // An utterance that held only silence has no words to find; the library calls that an error.
            var level = line.Contains("Couldn't find <s> in first frame", StringComparison.Ordinal) ? LogLevel.Debug
                : line.StartsWith("ERROR", StringComparison.Ordinal) || line.StartsWith("FATAL", StringComparison.Ordinal)
                ? LogLevel.Warning
                : line.StartsWith("WARN", StringComparison.Ordinal) ? LogLevel.Information : LogLevel.Debug;
            logger.Log(level, "pocketsphinx: {Line}", line);
        }
    }
}
