using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;
using Seva.Actors.Audio;
using Seva.Actors.Broadcast;
using Seva.Actors.Contracts;
using Seva.Actors.Fanout;
using Seva.Actors.Dictation;
using Seva.Web.Features.Dictation;

namespace Seva.Web.Features.Broadcast;

/// <summary>The speaker's dashboard: start and end a broadcast, share it, control it, see who listens.
/// The microphone is captured by the dictation page's AudioWorklet module at 16 kHz.</summary>
public sealed partial class SpeakerPage : IBroadcastClient
{
    private readonly string _levelId = "level-" + Guid.NewGuid().ToString("N");
    private readonly TranscriptModel _captions = new();
    private IBroadcastActor? _live;
    private string? _broadcastId;
    private FollowerRegistration<BroadcastEvent>? _registration;
    private BroadcastState _state = BroadcastState.Started(DateTimeOffset.UnixEpoch);
    private BroadcastStatus? _status;
    private string _qr = string.Empty;
    private string? _error;
    private bool _interactive;
    private bool _starting;
    private IJSObjectReference? _capture;
    private DotNetObjectReference<SpeakerPage>? _self;

    private string ShareUrl => _live is null ? string.Empty : Navigation.ToAbsoluteUri($"listen/{_broadcastId}").ToString();

    private string ConnectionId => _registration?.Address.ConnectionId ?? string.Empty;

    private string StateText => _state.IsPaused ? "paused" : _state.IsMuted ? "muted" : "live";

    /// <summary>Whole listeners on the vertical axis, a line per listener up to a few.</summary>
    private readonly BarChartOptions _chartOptions = new() { YAxisTicks = 1, MaxNumYAxisTicks = 6, YAxisFormat = "0" };

    private List<ChartSeries<double>> Series => _status is null ? [] :
        [new ChartSeries<double> { Name = "Listeners", Data = new ChartData<double>(_status.LanguageDistribution.Values.Select(v => (double)v).ToArray()) }];

    /// <summary>Why the audience figures were last updated, for the speaker (the protocol's
    /// <c>updateReason</c> is a name for programs).</summary>
    internal static string DescribeUpdate(string updateReason) => updateReason switch
    {
        StatusReasons.Requested => "Up to date",
        StatusReasons.Periodic => "Regular update",
        StatusReasons.ListenerCountChange => "Listeners joined or left",
        StatusReasons.NewLanguage => "New language joined",
        _ => "Updated",
    };

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _interactive = true;
            StateHasChanged();
        }
    }

    private readonly CaptureOffset _captured = new();

    /// <summary>16-bit PCM at 16 kHz from the AudioWorklet (dictation.js), starting at byte
    /// <paramref name="offset"/> of the capture; resent bytes are dropped.</summary>
    [JSInvokable]
    public async Task OnAudio(byte[] pcm, long offset)
    {
        ArgumentNullException.ThrowIfNull(pcm);
        var fresh = _captured.Take(pcm, offset, out _);
        if (_live is null || fresh.IsEmpty)
        {
            return;
        }

        await _live.AcceptAudioAsync(new BroadcastAudioRequest(ConnectionId, fresh.ToArray())); // refused only once ended
    }

    void IBroadcastClient.OnCaption(Caption caption) => _ = InvokeAsync(() =>
    {
        _captions.Apply(new DictationResult(caption.SegmentId, caption.IsPartial, caption.Text, 0, 0, 0));
        StateHasChanged();
    });

    void IBroadcastClient.OnState(BroadcastState state) => _ = InvokeAsync(() =>
    {
        _state = state;
        StateHasChanged();
    });

    void IBroadcastClient.OnStatus(BroadcastStatus status) => _ = InvokeAsync(() =>
    {
        _status = status;
        StateHasChanged();
    });

    void IBroadcastClient.OnEnded(string reason) => _ = InvokeAsync(StateHasChanged);

    void IBroadcastClient.OnAudio(string segmentId, string language, int sampleRate, short[] samples)
    {
        // the speaker hears themselves already
    }

    private async Task StartAsync()
    {
        _starting = true;
        _error = null;
        try
        {
            _capture ??= await JS.InvokeAsync<IJSObjectReference>("import", "./features/Dictation/dictation.js");
            _self ??= DotNetObjectReference.Create(this);
            _captured.Reset();
            await _capture.InvokeAsync<double>("start", _self, 16000, 250, _levelId);
        }
        catch (JSException ex)
        {
            _error = DictationPage.CaptureError(ex.Message).Message;
            _starting = false;
            return;
        }

        try
        {
            _registration?.Dispose();
            _registration = Followers.Register(this);
            var reply = await BroadcastLauncher.StartAsync(Actors, new BroadcastStartRequest(_registration.Address, "en", "standard"));
            if (reply.Started is not { } started)
            {
                _error = reply.Error?.Message;
                await StopCaptureAsync();
                return;
            }

            _broadcastId = started.SessionId;
            _live = Actors.Get(started.SessionId);
            _state = started.State ?? _state;
            _qr = ShareCode.Svg(ShareUrl);
            _status = started.Status;
            _registration.Open();
        }
        finally
        {
            _starting = false;
        }
    }

    private async Task ControlAsync(string action, BroadcastStateChange? change = null)
    {
        if (_live is null)
        {
            return;
        }

        var reply = await _live.ControlAsync(new BroadcastControlRequest(ConnectionId, action, change ?? new BroadcastStateChange()));
        if (reply.State is { } state)
        {
            _state = state;
        }
        else
        {
            _error = reply.Error?.Message;
        }
    }

    private Task SetVolumeAsync(double volume) => ControlAsync(BroadcastControls.SetVolume, new BroadcastStateChange(Volume: Math.Round(volume, 2)));

    private async Task EndAsync()
    {
        if (_live is null)
        {
            return;
        }

        await StopCaptureAsync();
        await _live.EndAsync(new BroadcastEndRequest("speakerEnded"));
        _live = null;
        _captions.Clear();
        _status = null;
    }

    private async Task StopCaptureAsync()
    {
        try
        {
            if (_capture is not null)
            {
                await _capture.InvokeVoidAsync("stop");
            }
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException or TaskCanceledException)
        {
            Logger.LogDebug("Stopping capture: {Message}", ex.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_live is not null)
        {
            await StopCaptureAsync();
            await _live.EndAsync(new BroadcastEndRequest("speakerDisconnected"));
        }

        _registration?.Dispose();

        _self?.Dispose();
        if (_capture is not null)
        {
            try
            {
                await _capture.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // gone
            }
        }
    }
}
