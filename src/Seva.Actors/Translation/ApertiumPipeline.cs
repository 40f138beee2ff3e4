using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Seva.Actors.Translation;

/// <summary>One Apertium language pair as a long-lived pipeline in null-flush mode: started once, then
/// one NUL-terminated segment in, one out, in order (a few milliseconds each instead of a process
/// start per segment).</summary>
/// <remarks>Thread-safe: segments are translated one at a time, in the order they are asked for. If
/// the pipeline dies it is started again and the segment retried once.</remarks>
public sealed class ApertiumPipeline : IAsyncDisposable
{
    private readonly string _mode;
    private readonly string _script;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private Process? _process;
    private Stream? _input;
    private Stream? _output;
    private bool _disposed;

    /// <param name="mode">The pair's mode name, e.g. <c>eng-spa</c>.</param>
    /// <param name="modeScript">The pair's pipeline with null flush on every stage (from apertium-wblank-mode -z).</param>
    public ApertiumPipeline(string mode, string modeScript, ILogger logger)
    {
        _mode = mode;
        _script = modeScript;
        _logger = logger;
    }

    public string Mode => _mode;

    /// <summary>How many times the pipeline was (re)started.</summary>
    public int Starts { get; private set; }

    /// <summary>The pipeline's process id while it runs (for health checks and tests).</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    public async Task<string> TranslateAsync(string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (string.IsNullOrWhiteSpace(text))
        {
            return string.Empty;
        }

        await _turn.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    EnsureStarted();
                    return await RoundTripAsync(text, cancellationToken);
                }
                catch (Exception ex) when (ex is IOException or InvalidOperationException && attempt == 1)
                {
                    _logger.LogWarning("Apertium {Mode} failed ({Message}); restarting it", _mode, ex.Message);
                    Stop();
                }
            }
        }
        finally
        {
            _turn.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return; // the container may dispose a shared translator twice (as itself and as ITranslator)
        }

        _disposed = true;
        await _turn.WaitAsync();
        try
        {
            Stop();
        }
        finally
        {
            _turn.Release();
            _turn.Dispose();
        }
    }

    private async Task<string> RoundTripAsync(string text, CancellationToken cancellationToken)
    {
        // A trailing blank lets the last word's punctuation through; the NUL asks every stage to flush.
        var payload = Encoding.UTF8.GetBytes(Escape(text) + " \0");
        await _input!.WriteAsync(payload, cancellationToken);
        await _input.FlushAsync(cancellationToken);

        var bytes = new List<byte>(payload.Length * 2);
        var one = new byte[1];
        while (true)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            var n = await _output!.ReadAsync(one, timeout.Token);
            if (n == 0)
            {
                throw new IOException("the pipeline closed its output");
            }

            if (one[0] == 0)
            {
                break;
            }

            bytes.Add(one[0]);
        }

        return Unescape(Encoding.UTF8.GetString([.. bytes])).Trim();
    }

    private void EnsureStarted()
    {
        if (_process is { HasExited: false })
        {
            return;
        }

        Stop();
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(_script);
        start.ArgumentList.Add(_mode); // $0
        start.ArgumentList.Add("-n");   // $1: generate without unknown-word marks
        start.ArgumentList.Add(string.Empty); // $2: no extra tagger option
        start.Environment["LC_ALL"] = "C.UTF-8";
        _process = Process.Start(start) ?? throw new InvalidOperationException($"Apertium {_mode} did not start.");
        _process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrEmpty(e.Data))
            {
                _logger.LogDebug("apertium {Mode}: {Line}", _mode, e.Data);
            }
        };
        _process.BeginErrorReadLine();
        _input = _process.StandardInput.BaseStream;
        _output = _process.StandardOutput.BaseStream;
        Starts++;
        _logger.LogInformation("Started Apertium {Mode} (pid {Pid})", _mode, _process.Id);
    }

    private void Stop()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        _process.Dispose();
        _process = null;
        _input = null;
        _output = null;
    }

    /// <summary>Apertium's stream format reserves these characters; plain text must escape them.</summary>
    internal static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c is '\\' or '[' or ']' or '{' or '}' or '^' or '$' or '/' or '@' or '<' or '>')
            {
                builder.Append('\\');
            }

            // NUL would end the segment early; other control characters are blanks to the translator.
            builder.Append(c == '\0' || char.IsControl(c) ? ' ' : c);
        }

        return builder.ToString();
    }

    internal static string Unescape(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
            }

            builder.Append(text[i]);
        }

        return builder.ToString();
    }
}
