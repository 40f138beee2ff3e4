using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using Seva.Actors.Audio;
using Seva.Actors.Broadcast;
using Seva.Actors.Contracts;
using Seva.Actors.Fanout;
using Seva.Actors.Dictation;
using Seva.Web.Features.Dictation;

namespace Seva.Web.Features.Broadcast;

/// <summary>A listener on a phone: picks a language and follows the captions, optionally spoken.</summary>
public sealed partial class ListenerPage : IBroadcastClient
{
    private readonly TranscriptModel _captions = new();
    private IBroadcastActor? _live;
    private FollowerRegistration<BroadcastEvent>? _registration;
    private IReadOnlyList<string> _languages = [];
    private string _language = "es";
    private bool _audioOn;
    private bool _joined;
    private bool _joining;
    private bool _ended;
    private bool _interactive;
    private bool _playbackPaused;
    private BroadcastState _state = BroadcastState.Started(DateTimeOffset.UnixEpoch);
    private IJSObjectReference? _player;
    private ElementReference _playback;

    private string StateText => _ended ? "ended" : _state.IsPaused ? "paused" : _state.IsMuted ? "muted" : "live";

    protected override async Task OnParametersSetAsync()
    {
        _live = BroadcastIds.IsWellFormed(SessionId) ? Actors.Get(SessionId) : null;
        if (_live is not null)
        {
            var snapshot = await _live.GetSnapshotAsync(new BroadcastSnapshotRequest(StatusReasons.Requested));
            if (!snapshot.Exists)
            {
                _live = null;
                return;
            }

            _languages = [.. snapshot.SupportedLanguages.Where(l => l != "en").Prepend("en").Distinct()];
            _language = _languages.Contains("es") ? "es" : _languages[0];
        }
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _interactive = true;
            StateHasChanged();
        }
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

    void IBroadcastClient.OnStatus(BroadcastStatus status)
    {
        // status goes to the speaker only
    }

    void IBroadcastClient.OnEnded(string reason) => _ = InvokeAsync(() =>
    {
        _ended = true;
        StateHasChanged();
    });

    void IBroadcastClient.OnAudio(string segmentId, string language, int sampleRate, short[] samples) =>
        _ = InvokeAsync(() => PlayAsync(segmentId, sampleRate, samples));

    /// <summary>Hands an utterance to the browser. Nobody awaits this, so a failure is logged here or never seen.</summary>
    private async Task PlayAsync(string segmentId, int sampleRate, short[] samples)
    {
        if (_player is null || _playbackPaused)
        {
            return;
        }

        var bytes = new byte[samples.Length * 2];
        Pcm.WriteLittleEndian(samples, bytes);
        try
        {
            await _player.InvokeVoidAsync("play", bytes, sampleRate, _playback);
        }
        catch (JSDisconnectedException)
        {
            // the phone went away
        }
        catch (Exception ex) when (ex is JSException or TaskCanceledException)
        {
            Logger.LogWarning(ex, "The browser could not play segment {SegmentId} of broadcast {SessionId}", segmentId, SessionId);
        }
    }

    private async Task JoinAsync()
    {
        if (_live is null || _joining || _joined)
        {
            return; // one listener per page, however often Listen is pressed
        }

        _joining = true;
        try
        {
            await JoinOnceAsync(_live);
        }
        finally
        {
            _joining = false;
        }
    }

    private async Task JoinOnceAsync(IBroadcastActor live)
    {

        _player ??= await JS.InvokeAsync<IJSObjectReference>("import", "./features/Broadcast/listen.js");
        await _player.InvokeVoidAsync("unlock");
        _registration?.Dispose();
        _registration = Followers.Register(this);
        var reply = await live.JoinAsync(new BroadcastJoinRequest(_registration.Address, _language, _audioOn));
        if (reply.State is not { } state)
        {
            _registration.Dispose();
            _registration = null;
            _live = null; // ended meanwhile
            return;
        }

        _state = state;
        foreach (var caption in reply.RecentCaptions)
        {
            _captions.Apply(new DictationResult(caption.SegmentId, false, caption.Text, 0, 0, 0));
        }

        _joined = true;
        _registration.Open();
    }

    private async Task ChangeLanguageAsync(Microsoft.AspNetCore.Components.ChangeEventArgs e)
    {
        var language = e.Value?.ToString() ?? _language;
        if (_live is null || language == _language)
        {
            return;
        }

        if (_registration is not null)
        {
            var reply = await _live.ChangeListenerAsync(new BroadcastListenerChange(_registration.Address.ConnectionId, Language: language));
            if (reply.Error is not null)
            {
                return;
            }
        }

        _language = language;
    }

    private async Task SetAudioAsync(bool on)
    {
        _audioOn = on;
        if (_live is not null && _registration is not null)
        {
            await _live.ChangeListenerAsync(new BroadcastListenerChange(_registration.Address.ConnectionId, AudioOn: on));
        }
    }

    private async Task TogglePlaybackAsync()
    {
        _playbackPaused = !_playbackPaused;
        if (_player is not null)
        {
            await _player.InvokeVoidAsync("setPaused", _playbackPaused);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_live is not null && _registration is not null && _joined && !_ended)
        {
            await _live.LeaveAsync(new BroadcastLeaveRequest(_registration.Address.ConnectionId));
        }

        _registration?.Dispose();

        if (_player is not null)
        {
            try
            {
                await _player.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // gone
            }
        }
    }
}
