using System.Collections.Concurrent;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;
using Seva.Actors.Contracts;
using Seva.Actors.Dictation;
using Seva.Actors.Fanout;
using Seva.Actors.Formatting;
using Seva.Web.Features.ApiKeys;

namespace Seva.Web.Features.Dictation;

/// <summary>Live dictation in the browser: the microphone is captured by an AudioWorklet (dictation.js)
/// and its PCM comes over the circuit to the same session actor the WebSocket API uses.</summary>
public sealed partial class DictationPage : IDictationFollower
{
    /// <summary>Messages shown for the errors a browser can hit (from the original design).</summary>
    public const string MicrophoneDeniedMessage = "Unable to access microphone. Please check permissions.";
    public const string CaptureFailedMessage = "Audio capture failed. Please refresh and try again.";
    public const string UnsupportedMessage = "Your browser doesn't support audio transcription. Please use Chrome, Firefox, or Edge.";

    private const int ChunkMilliseconds = 250;
    private const int MaxEarlyChunks = 40;

    private readonly string _levelId = "level-" + Guid.NewGuid().ToString("N");
    private readonly string _linkId = "link-" + Guid.NewGuid().ToString("N");
    private readonly TranscriptModel _transcript = new();
    private readonly ConcurrentQueue<ReadOnlyMemory<byte>> _early = new();
    private readonly List<string> _notices = [];
    private readonly CancellationTokenSource _disposed = new();
    private string _quality = DictationQuality.Medium;
    private string _language = DictationLanguages.Supported[0];
    private string? _specialty;
    private string? _customWords;
    private bool _formatNotes = true;
    private DegreesMeaning _degrees = DegreesMeaning.Words;
    private DictationStatus _status = DictationStatus.Idle;
    private string? _error;
    private bool _retryable;
    private Guid? _savedId;
    private TimeSpan _elapsed;
    private long _startedAt;
    private IDictationActor? _session;
    private FollowerRegistration<DictationEvent>? _registration;
    private readonly CaptureOffset _captured = new();
    private IJSObjectReference? _module;
    private DotNetObjectReference<DictationPage>? _self;
    private PeriodicTimer? _clock;
    private bool _interactive; // Start works only once the circuit is up (the first render is prerendered HTML)

    public enum DictationStatus
    {
        Idle,
        Connecting,
        Listening,
        Finishing,
        Saved,
        Error,
    }

    private bool Running => _status is DictationStatus.Connecting or DictationStatus.Listening or DictationStatus.Finishing;

    private string StatusText => _status switch
    {
        DictationStatus.Idle => "ready",
        DictationStatus.Connecting => "connecting",
        DictationStatus.Listening => "listening",
        DictationStatus.Finishing => "finishing",
        DictationStatus.Saved => "saved",
        _ => "error",
    };

    private Color StatusColor => _status switch
    {
        DictationStatus.Listening => Color.Success,
        DictationStatus.Connecting or DictationStatus.Finishing => Color.Info,
        DictationStatus.Saved => Color.Primary,
        DictationStatus.Error => Color.Error,
        _ => Color.Default,
    };

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            var preference = await Preferences.GetAsync(await Auth.UserIdAsync(), _disposed.Token);
            _formatNotes = preference.Mode != FormattingMode.Off;
            _degrees = preference.Degrees;
            _interactive = true;
            StateHasChanged();
        }
    }

    private FormattingOptions Formatting => new(_formatNotes ? FormattingMode.Dictation : FormattingMode.Off, _degrees);

    /// <summary>The choice is the user's from now on (the WebSocket API and uploads use it too).</summary>
    private async Task SetFormatNotesAsync(bool on)
    {
        _formatNotes = on;
        await Preferences.SaveAsync(await Auth.UserIdAsync(), Formatting, _disposed.Token);
    }

    private async Task SetDegreesAsync(ChangeEventArgs e)
    {
        _degrees = Enum.TryParse<DegreesMeaning>(e.Value as string, out var degrees) ? degrees : DegreesMeaning.Words;
        await Preferences.SaveAsync(await Auth.UserIdAsync(), Formatting, _disposed.Token);
    }

    /// <summary>A chunk of 16-bit PCM from the AudioWorklet, at the session's rate; <paramref name="offset"/>
    /// is where it starts in the capture (see <see cref="CaptureOffset"/>).</summary>
    [JSInvokable]
    public async Task OnAudio(byte[] pcm, long offset)
    {
        ArgumentNullException.ThrowIfNull(pcm);
        var fresh = _captured.Take(pcm, offset, out var skipped);
        if (skipped > 0)
        {
            Logger.LogWarning("Dictation page audio jumped {Bytes} bytes ahead: the browser lost audio", skipped);
        }

        if (fresh.IsEmpty)
        {
            return;
        }

        if (_session is null)
        {
            // Capture starts before the session is ready: keep the first words, up to ten seconds.
            if (_early.Count < MaxEarlyChunks && _status == DictationStatus.Connecting)
            {
                _early.Enqueue(fresh);
            }

            return;
        }

        if (_status is DictationStatus.Listening or DictationStatus.Finishing)
        {
            try
            {
                await SendAudioAsync(_session, fresh);
            }
            catch (DictationException ex)
            {
                Logger.LogDebug("Audio after the session ended: {Message}", ex.Message);
            }
        }
    }

    void IDictationFollower.OnResult(DictationResult result) => _ = InvokeAsync(() =>
    {
        _transcript.Apply(result);
        StateHasChanged();
    });

    void IDictationFollower.OnRetracted(IReadOnlyList<string> segmentIds) => _ = InvokeAsync(() =>
    {
        _transcript.Retract(segmentIds);
        StateHasChanged();
    });

    void IDictationFollower.OnError(DictationError error) => _ = InvokeAsync(() =>
    {
        SevaTelemetry.RecordError("dictation", error.Code);
        if (error.Recoverable)
        {
            _notices.Add(error.Message);
        }
        else
        {
            _error = error.Message;
        }

        StateHasChanged();
    });

    void IDictationFollower.OnCompleted(DictationCompleted completed) => _ = InvokeAsync(async () =>
    {
        // The session may end on its own (timeout, maximum length): release the microphone too.
        if (_status == DictationStatus.Listening)
        {
            await StopCaptureAsync();
        }

        _savedId = completed.TranscriptionId;
        _status = completed.Status == Seva.Actors.Storage.TranscriptionStatus.Failed ? DictationStatus.Error : DictationStatus.Saved;
        _clock?.Dispose();
        StateHasChanged();
    });

    private async Task StartAsync()
    {
        _error = null;
        _retryable = false;
        _savedId = null;
        _notices.Clear();
        _transcript.Clear();
        _early.Clear();
        _captured.Reset();
        _elapsed = TimeSpan.Zero;
        _status = DictationStatus.Connecting;
        DictationQuality.TryGetSampleRate(_quality, out var rate);
        try
        {
            _module ??= await JS.InvokeAsync<IJSObjectReference>("import", "./features/Dictation/dictation.js");
            _self ??= DotNetObjectReference.Create(this);
            await _module.InvokeAsync<double>("start", _self, rate, ChunkMilliseconds, _levelId, _linkId);
        }
        catch (JSException ex)
        {
            Fail(ex.Message);
            return;
        }

        try
        {
            var userId = await Auth.UserIdAsync();
            var words = (_customWords ?? string.Empty).Split([',', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var sessionId = Guid.NewGuid().ToString();
            var session = Actors.Get(sessionId);
            _registration?.Dispose();
            _registration = Followers.Register(this);
            var reply = await session.StartAsync(new DictationStartRequest(
                new DictationStart(userId, sessionId, _quality, _language, string.IsNullOrWhiteSpace(_specialty) ? null : _specialty.Trim(), words, Formatting: Formatting),
                _registration.Address,
                Resumable: false));
            if (reply.Error is { } refused)
            {
                throw new DictationException(refused);
            }

            _registration.Open();
            _session = session;
            _status = DictationStatus.Listening;
            _startedAt = Time.GetTimestamp();
            while (_early.TryDequeue(out var chunk))
            {
                await SendAudioAsync(session, chunk);
            }

            _ = RunClockAsync();
        }
        catch (DictationException ex)
        {
            await StopCaptureAsync();
            _status = DictationStatus.Error;
            _error = ex.Error.Message;
            SevaTelemetry.RecordError("dictation", ex.Error.Code);
            _retryable = ex.Error.Code == DictationErrorCodes.SessionLimitExceeded;
        }
    }

    private async Task StopAsync()
    {
        if (_session is null)
        {
            return;
        }

        _status = DictationStatus.Finishing;
        StateHasChanged();
        await StopCaptureAsync(); // sends the last chunk before the session ends
        var reply = await _session.EndAsync(new DictationEndRequest(_registration!.Address.ConnectionId));
        if (reply.Completed is { } completed)
        {
            _savedId = completed.TranscriptionId;
            _status = completed.Status == Seva.Actors.Storage.TranscriptionStatus.Failed ? DictationStatus.Error : DictationStatus.Saved;
        }
        else
        {
            _status = DictationStatus.Error;
            _error = reply.Error?.Message;
        }

        _session = null;
    }

    private async Task SendAudioAsync(IDictationActor session, ReadOnlyMemory<byte> pcm)
    {
        var reply = await session.AcceptAudioAsync(new DictationAudioRequest(_registration!.Address.ConnectionId, pcm.ToArray()));
        if (reply.Error is { } error)
        {
            throw new DictationException(error);
        }
    }

    private async Task StopCaptureAsync()
    {
        try
        {
            if (_module is not null)
            {
                await _module.InvokeVoidAsync("stop");
            }
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException or TaskCanceledException)
        {
            Logger.LogDebug("Stopping capture: {Message}", ex.Message);
        }
    }

    /// <summary>What to tell the user when dictation.js could not start capture (its error names the cause),
    /// and whether trying again can help.</summary>
    public static (string Message, bool Retryable) CaptureError(string jsMessage)
    {
        ArgumentNullException.ThrowIfNull(jsMessage);
        return jsMessage switch
        {
            _ when jsMessage.StartsWith("MICROPHONE_ACCESS_DENIED", StringComparison.Ordinal) => (MicrophoneDeniedMessage, true),
            _ when jsMessage.StartsWith("UNSUPPORTED_BROWSER", StringComparison.Ordinal) => (UnsupportedMessage, false),
            _ => (CaptureFailedMessage, true),
        };
    }

    private void Fail(string jsMessage)
    {
        _status = DictationStatus.Error;
        (_error, _retryable) = CaptureError(jsMessage);
        Logger.LogInformation("Audio capture did not start: {Reason}", jsMessage);
    }

    private async Task RunClockAsync()
    {
        _clock?.Dispose();
        _clock = new PeriodicTimer(TimeSpan.FromSeconds(1), Time);
        var clock = _clock;
        try
        {
            while (await clock.WaitForNextTickAsync(_disposed.Token) && _status == DictationStatus.Listening)
            {
                await InvokeAsync(() =>
                {
                    _elapsed = Time.GetElapsedTime(_startedAt);
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException)
        {
            // page closed
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync();
        if (_session is not null)
        {
            // Leaving the page ends the dictation normally: what was said is kept.
            await StopCaptureAsync();
            await _session.EndAsync(new DictationEndRequest(_registration!.Address.ConnectionId)); // an error here means it had already ended
        }

        _registration?.Dispose();

        _clock?.Dispose();
        _self?.Dispose();
        if (_module is not null)
        {
            try
            {
                await _module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // the circuit is gone
            }
        }

        _disposed.Dispose();
    }
}
