using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Runtime.CompilerServices;
using System.Threading.RateLimiting;
using Seva.Actors.Audio;
using Seva.Actors.Broadcast;
using Seva.Actors.Contracts;
using Seva.Actors.Fanout;
using Seva.Web.Features.WebSockets;

namespace Seva.Web.Features.Broadcast;

/// <summary>One WebSocket of the broadcast API, a speaker's or a listener's. Every action is answered
/// with an ack or an error; errors are per message and the connection goes on.</summary>
internal sealed class BroadcastConnection : IBroadcastClient, IDisposable
{
    private static readonly ConditionalWeakTable<Caption, byte[]> SerializedCaptions = new();
    private static readonly ConditionalWeakTable<short[], byte[][]> AudioFrames = new();
    private readonly WebSocket _socket;
    private readonly IBroadcastActors _actors;
    private readonly FollowerRegistration<BroadcastEvent> _registration;
    private readonly BroadcastOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ClientOutbox _outbox;
    private readonly RateLimiter _controls;
    private readonly RateLimiter _statusQueries;
    private readonly RateLimiter _audio;
    private IBroadcastActor? _broadcast;
    private bool _isSpeaker;
    private volatile bool _creating;
    private int _dropped;
    private long _violationsSince;
    private long _lastViolation;
    private bool _warned;
    private long _droppedChunks;

    public BroadcastConnection(WebSocket socket, IBroadcastActors actors, BroadcastFollowers followers, BroadcastOptions options, TimeProvider time, ILogger logger)
    {
        _socket = socket;
        _actors = actors;
        _registration = followers.Register(this);
        _options = options;
        _time = time;
        _logger = logger;
        _outbox = new ClientOutbox(options.ClientQueueBytes);
        _controls = Limiter(options.ControlMessagesPerSecond);
        _statusQueries = Limiter(options.StatusQueriesPerSecond);
        _audio = Limiter(options.AudioChunksPerSecond);
    }

    /// <summary>A caption goes to every listener of its language as the same object, so it is serialised once per language.</summary>
    public void OnCaption(Caption caption) => Enqueue(SerializedCaptions.GetValue(caption, c => JsonSerializer.SerializeToUtf8Bytes(BroadcastProtocol.Caption(c), BroadcastProtocol.Json)), WebSocketMessageType.Text);

    public void OnState(BroadcastState state) => Send(new { type = "broadcastState", broadcastState = BroadcastProtocol.State(state) });

    public void OnStatus(BroadcastStatus status) => Send(BroadcastProtocol.Status(status));

    /// <summary>Announced by a JSON "audio" message, then the utterance as binary frames of raw PCM.</summary>
    /// <remarks>Every listener of a language gets the same samples, so they are framed once for all of them.</remarks>
    public void OnAudio(string segmentId, string language, int sampleRate, short[] samples)
    {
        var frames = AudioFrames.GetValue(samples, s => Frame(s, _options.MaxAudioChunkBytes / 2));
        var fits = _outbox.QueuedBytes + frames.Sum(f => (long)f.Length) <= _options.ClientQueueBytes;
        if (!fits)
        {
            // Captions matter more than speech: a listener whose queue cannot take this utterance
            // skips it, and is dropped only when it cannot take captions either.
            SevaTelemetry.BroadcastSlowClients.Add(1, new KeyValuePair<string, object?>("kind", "audio_skipped"));
            return;
        }

        Send(new { type = "audio", segmentId, sampleRate, language });
        foreach (var frame in frames)
        {
            Enqueue(frame, WebSocketMessageType.Binary);
        }
    }

    public void OnEnded(string reason)
    {
        Send(new { type = "sessionEnded", reason });
        _outbox.CloseAfterQueued();
    }

    /// <summary>A speaker: waits for createSession, then audio and controls.</summary>
    public async Task RunSpeakerAsync(CancellationToken aborted)
    {
        _isSpeaker = true;
        using var done = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var deadline = CreateSessionDeadlineAsync(done.Token);
        try
        {
            await RunAsync(aborted);
        }
        finally
        {
            await done.CancelAsync();
            try
            {
                await deadline;
            }
            catch (OperationCanceledException)
            {
                // the connection ended first
            }
        }
    }

    /// <summary>A listener: joins <paramref name="sessionId"/> in <paramref name="language"/> at once.</summary>
    public async Task RunListenerAsync(string sessionId, string language, bool audio, CancellationToken aborted)
    {
        var writer = _outbox.WriteToAsync(_socket, "broadcast over", aborted);
        var missing = new BroadcastError(404, "SESSION_NOT_FOUND", $"No live broadcast '{sessionId}'.");
        if (!BroadcastIds.IsWellFormed(sessionId))
        {
            await CloseWithErrorAsync(missing, "join", writer);
            return;
        }

        var live = _actors.Get(sessionId);
        var joined = await live.JoinAsync(new BroadcastJoinRequest(_registration.Address, language, audio));
        if (joined.State is not { } state)
        {
            var error = joined.Error ?? missing;
            await CloseWithErrorAsync(error.ErrorCode == missing.ErrorCode ? missing : error, "join", writer);
            return;
        }

        _broadcast = live;
        Send(new
        {
            type = "sessionJoined",
            sessionId,
            targetLanguage = language,
            broadcastState = BroadcastProtocol.State(state),
            recentCaptions = joined.RecentCaptions.Select(BroadcastProtocol.Caption).ToList(),
        });
        _registration.Open(); // after the answer: captions follow it

        await RunAsync(aborted, writer);
    }

    public void Dispose()
    {
        _registration.Dispose();
        _controls.Dispose();
        _statusQueries.Dispose();
        _audio.Dispose();
    }

    private async Task RunAsync(CancellationToken aborted, Task? writer = null)
    {
        writer ??= _outbox.WriteToAsync(_socket, "broadcast over", aborted);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(_options.MaxAudioChunkBytes, _options.MaxTextMessageBytes) + 1);
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var (type, length, tooLong) = await ReceiveAsync(buffer, aborted);
                if (type == WebSocketMessageType.Close)
                {
                    _outbox.CloseAfterQueued(); // completes the close handshake with 1000
                    break;
                }

                if (type == WebSocketMessageType.Binary)
                {
                    await OnAudioAsync(buffer.AsMemory(0, length), tooLong);
                }
                else if (tooLong)
                {
                    SendError(new BroadcastError(413, "MESSAGE_TOO_LARGE", $"Messages are at most {_options.MaxTextMessageBytes} bytes."), null);
                }
                else
                {
                    await OnTextAsync(buffer.AsMemory(0, length), aborted);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            _logger.LogInformation("Broadcast socket closed: {Message}", ex.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            await LeaveAsync();
            _outbox.Complete();
            try
            {
                await writer;
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // the client is gone
            }
        }
    }

    /// <summary>A speaker socket that never creates a broadcast would hold a connection for nothing: after
    /// <see cref="BroadcastOptions.CreateSessionTimeout"/> it gets CREATE_SESSION_TIMEOUT (408) and a 1008
    /// close, and is cut off if it does not answer the close.</summary>
    private async Task CreateSessionDeadlineAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(_options.CreateSessionTimeout, _time, cancellationToken);
        if (_broadcast is not null || _creating)
        {
            return;
        }

        SendError(new BroadcastError(408, "CREATE_SESSION_TIMEOUT", $"No createSession within {_options.CreateSessionTimeout.TotalSeconds:0.#} s of connecting: closing."), "createSession");
        _outbox.CloseAfterQueued(WebSocketCloseStatus.PolicyViolation, "no createSession");
        await Task.Delay(TimeSpan.FromSeconds(5), _time, cancellationToken);
        _socket.Abort();
    }

    private async Task LeaveAsync()
    {
        if (_broadcast is not { } live)
        {
            return;
        }

        if (_isSpeaker)
        {
            // The speaker's connection is the broadcast: when it goes, the broadcast ends for everyone.
            await live.EndAsync(new BroadcastEndRequest("speakerDisconnected"));
        }
        else
        {
            await live.LeaveAsync(new BroadcastLeaveRequest(_registration.Address.ConnectionId));
        }
    }

    private async Task OnAudioAsync(ReadOnlyMemory<byte> frame, bool tooLong)
    {
        if (!_isSpeaker || _broadcast is null)
        {
            SendError(new BroadcastError(_isSpeaker ? 404 : 403, _isSpeaker ? "SESSION_NOT_FOUND" : "FORBIDDEN", _isSpeaker ? "Send createSession before audio." : "Only the speaker sends audio."), "sendAudio");
            return;
        }

        if (tooLong || frame.Length > _options.MaxAudioChunkBytes)
        {
            SendError(new BroadcastError(413, "AUDIO_TOO_LARGE", $"Audio chunks are at most {_options.MaxAudioChunkBytes} bytes ({Pcm.Seconds((_options.MaxAudioChunkBytes - 1) / 2, 16000):0.#} s at 16 kHz)."), "sendAudio");
            return;
        }

        if (!AudioFrame.TryParse(frame.Span, out var pcm, out var error))
        {
            SendError(new BroadcastError(400, "INVALID_AUDIO_FORMAT", error), "sendAudio");
            return;
        }

        if (!Admit(_audio))
        {
            await OnAudioRateExceededAsync();
            return;
        }

        var reply = await _broadcast.AcceptAudioAsync(new BroadcastAudioRequest(_registration.Address.ConnectionId, frame[1..].ToArray()));
        if (reply.Error is { } refused)
        {
            SendError(refused, "sendAudio");
        }
    }

    /// <summary>Excess audio is dropped and counted; after <see cref="BroadcastOptions.AudioRateWarningAfter"/>
    /// of it the speaker is warned, after <see cref="BroadcastOptions.AudioRateCloseAfter"/> the connection is closed.</summary>
    private async Task OnAudioRateExceededAsync()
    {
        _droppedChunks++;
        SevaTelemetry.RateLimitDrops.Add(1, new KeyValuePair<string, object?>("kind", "audio"));
        var now = _time.GetTimestamp();
        if (_violationsSince == 0 || _time.GetElapsedTime(_lastViolation, now) > TimeSpan.FromSeconds(1))
        {
            _violationsSince = now;
            _warned = false;
        }

        _lastViolation = now;
        var violating = _time.GetElapsedTime(_violationsSince, now);
        if (violating >= _options.AudioRateCloseAfter)
        {
            SendError(new BroadcastError(429, "AUDIO_RATE_LIMIT", $"Over {_options.AudioChunksPerSecond} audio chunks a second for {_options.AudioRateCloseAfter.TotalSeconds:0.#} s ({_droppedChunks} dropped): closing."), "sendAudio");
            await _socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "audio rate limit", CancellationToken.None);
        }
        else if (violating >= _options.AudioRateWarningAfter && !_warned)
        {
            _warned = true;
            SendError(new BroadcastError(429, "AUDIO_RATE_LIMIT", $"Over {_options.AudioChunksPerSecond} audio chunks a second: {_droppedChunks} chunks dropped so far."), "sendAudio");
        }
    }

    private async Task OnTextAsync(ReadOnlyMemory<byte> utf8, CancellationToken aborted)
    {
        string? action = null;
        try
        {
            using var document = JsonDocument.Parse(utf8);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("action", out var a) || a.ValueKind != JsonValueKind.String)
            {
                throw Bad("MISSING_ACTION", "Messages are JSON objects with an \"action\" string.");
            }

            action = a.GetString()!;
            var limiter = action == "getSessionStatus" ? _statusQueries : _controls;
            if (!Admit(limiter))
            {
                SevaTelemetry.RateLimitDrops.Add(1, new KeyValuePair<string, object?>("kind", action == "getSessionStatus" ? "status" : "control"));
                throw new BroadcastException(new BroadcastError(429, "RATE_LIMITED", action == "getSessionStatus" ? $"At most {_options.StatusQueriesPerSecond} status queries a second." : $"At most {_options.ControlMessagesPerSecond} control messages a second."));
            }

            await HandleAsync(action, root, aborted);
        }
        catch (JsonException ex)
        {
            SendError(new BroadcastError(400, "INVALID_JSON", $"Not valid JSON: {ex.Message}"), action);
        }
        catch (BroadcastException ex)
        {
            SendError(ex.Error, action);
        }
    }

    private async Task HandleAsync(string action, JsonElement root, CancellationToken aborted)
    {
        if (action == "createSession")
        {
            if (!_isSpeaker || _broadcast is not null)
            {
                throw new BroadcastException(new BroadcastError(403, "FORBIDDEN", _isSpeaker ? "This connection already has a broadcast." : "Listeners cannot create broadcasts."));
            }

            var source = OptionalString(root, "sourceLanguage") ?? "en";
            var tier = OptionalString(root, "qualityTier") ?? "standard";
            _creating = true;
            BroadcastSnapshot started;
            try
            {
                var reply = await BroadcastLauncher.StartAsync(_actors, new BroadcastStartRequest(_registration.Address, source, tier));
                started = reply.Started ?? throw new BroadcastException(reply.Error ?? new BroadcastError(500, "INTERNAL_ERROR", "The broadcast did not start."));
                _broadcast = _actors.Get(started.SessionId);
            }
            finally
            {
                _creating = false;
            }

            Send(new { type = "sessionCreated", sessionId = started.SessionId, sourceLanguage = source, broadcastState = BroadcastProtocol.State(started.State!), timestamp = BroadcastProtocol.Timestamp(_time.GetUtcNow()) });
            _registration.Open(); // after the answer: captions and status follow it
            return;
        }

        var live = _broadcast ?? throw new BroadcastException(new BroadcastError(404, "SESSION_NOT_FOUND", "No broadcast on this connection: send createSession first."));
        switch (action)
        {
            case BroadcastControls.PauseBroadcast or BroadcastControls.ResumeBroadcast or BroadcastControls.MuteBroadcast or BroadcastControls.UnmuteBroadcast:
                await ControlAsync(live, action, new BroadcastStateChange());
                break;
            case BroadcastControls.SetVolume:
                await ControlAsync(live, action, new BroadcastStateChange(Volume: Number(root, "volumeLevel")));
                break;
            case BroadcastControls.SpeakerStateChange:
                if (!root.TryGetProperty("state", out var s) || s.ValueKind != JsonValueKind.Object)
                {
                    throw Bad("INVALID_STATE", "speakerStateChange needs a \"state\" object (isPaused, isMuted, volume).");
                }

                await ControlAsync(live, action, new BroadcastStateChange(OptionalBool(s, "isPaused"), OptionalBool(s, "isMuted"), OptionalNumber(s, "volume")));
                break;
            case "getSessionStatus":
                RequireSpeaker(action);
                var snapshot = await live.GetSnapshotAsync(new BroadcastSnapshotRequest(StatusReasons.Requested));
                Send(BroadcastProtocol.Status(snapshot.Status ?? throw new BroadcastException(new BroadcastError(404, "SESSION_NOT_FOUND", "The broadcast has ended."))));
                break;
            case "endSession":
                RequireSpeaker(action);
                Send(BroadcastProtocol.Ack(action));
                await live.EndAsync(new BroadcastEndRequest("speakerEnded"));
                return;
            case "pausePlayback" or "resumePlayback":
                RequireListener(action); // playback is the listener's own: acknowledged, nothing changes server-side
                break;
            case "changeLanguage":
                RequireListener(action);
                var language = OptionalString(root, "targetLanguage") ?? throw Bad("MISSING_LANGUAGE", "changeLanguage needs \"targetLanguage\".");
                var changed = await live.ChangeListenerAsync(new BroadcastListenerChange(_registration.Address.ConnectionId, Language: language));
                if (changed.Error is { } refused)
                {
                    throw new BroadcastException(refused);
                }

                break;
            default:
                throw Bad("UNKNOWN_ACTION", $"'{action}' is not an action of this API.");
        }

        Send(BroadcastProtocol.Ack(action));
    }

    private async Task ControlAsync(IBroadcastActor live, string action, BroadcastStateChange change)
    {
        var reply = await live.ControlAsync(new BroadcastControlRequest(_registration.Address.ConnectionId, action, change));
        if (reply.Error is { } refused)
        {
            throw new BroadcastException(refused);
        }
    }

    private void RequireSpeaker(string action)
    {
        if (!_isSpeaker)
        {
            throw new BroadcastException(new BroadcastError(403, "FORBIDDEN", $"Only the speaker may use {action}."));
        }
    }

    private void RequireListener(string action)
    {
        if (_isSpeaker)
        {
            throw new BroadcastException(new BroadcastError(403, "FORBIDDEN", $"{action} is for listeners."));
        }
    }

    private static bool Admit(RateLimiter limiter)
    {
        using var lease = limiter.AttemptAcquire();
        return lease.IsAcquired;
    }

    private static TokenBucketRateLimiter Limiter(int perSecond) => new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = perSecond,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    });

    private static string? OptionalString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool? OptionalBool(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    private static double? OptionalNumber(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static double Number(JsonElement root, string name) =>
        OptionalNumber(root, name) ?? throw Bad("INVALID_VOLUME", $"{name} is required: a number from 0.0 to 1.0.");

    private static BroadcastException Bad(string code, string message) => new(new BroadcastError(400, code, message));

    private void SendError(BroadcastError error, string? action) => Send(BroadcastProtocol.Error(error, action));

    private void Send(object message) => Enqueue(JsonSerializer.SerializeToUtf8Bytes(message, BroadcastProtocol.Json), WebSocketMessageType.Text);

    /// <summary>Queues a message; a client too far behind to take it is disconnected (it may join again
    /// and gets the recent captions).</summary>
    private void Enqueue(ReadOnlyMemory<byte> payload, WebSocketMessageType type)
    {
        if (_outbox.TryEnqueue(payload, type) || !_outbox.Overflowed || Interlocked.Exchange(ref _dropped, 1) == 1)
        {
            return;
        }

        SevaTelemetry.BroadcastSlowClients.Add(1, new KeyValuePair<string, object?>("kind", _isSpeaker ? "speaker_dropped" : "listener_dropped"));
        _logger.LogWarning("Broadcast {Role} connection dropped: {Bytes} bytes waiting, over the {Budget}-byte queue (the client stopped reading)", _isSpeaker ? "speaker" : "listener", _outbox.QueuedBytes, _options.ClientQueueBytes);
        _outbox.Complete();
        _socket.Abort(); // also ends the receive loop, which leaves the broadcast
    }

    private static byte[][] Frame(short[] samples, int samplesPerFrame)
    {
        var frames = new byte[(samples.Length + samplesPerFrame - 1) / samplesPerFrame][];
        for (var i = 0; i < frames.Length; i++)
        {
            var part = samples.AsSpan(i * samplesPerFrame, Math.Min(samplesPerFrame, samples.Length - (i * samplesPerFrame)));
            frames[i] = new byte[part.Length * 2];
            Pcm.WriteLittleEndian(part, frames[i]);
        }

        return frames;
    }

    private async Task CloseWithErrorAsync(BroadcastError error, string action, Task writer)
    {
        SendError(error, action);
        _outbox.CloseAfterQueued();
        await writer;
    }

    private async Task<(WebSocketMessageType Type, int Length, bool TooLong)> ReceiveAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var length = 0;
        var tooLong = false;
        while (true)
        {
            var target = tooLong || length >= buffer.Length ? buffer.AsMemory() : buffer.AsMemory(length);
            var result = await _socket.ReceiveAsync(target, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (WebSocketMessageType.Close, 0, false);
            }

            if (!tooLong)
            {
                length += result.Count;
                tooLong = length > (result.MessageType == WebSocketMessageType.Binary ? _options.MaxAudioChunkBytes : _options.MaxTextMessageBytes);
            }

            if (result.EndOfMessage)
            {
                return (result.MessageType, tooLong ? 0 : length, tooLong);
            }
        }
    }
}
