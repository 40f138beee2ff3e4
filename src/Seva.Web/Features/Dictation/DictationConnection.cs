using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Seva.Actors.Audio;
using Seva.Actors.Contracts;
using Seva.Actors.Dictation;
using Seva.Actors.Fanout;
using Seva.Web.Features.Accounts;
using Seva.Web.Features.WebSockets;

namespace Seva.Web.Features.Dictation;

/// <summary>One WebSocket of the dictation API: reads frames into the session, writes its events out.</summary>
/// <remarks>All sends go through one queue and one writer loop, because a WebSocket allows one send at a
/// time; the session's events arrive on its actor's turn and are only queued here. Errors are per
/// message: a bad frame gets an error and the socket reads on.</remarks>
internal sealed class DictationConnection(
    WebSocket socket,
    string userId,
    IDictationActors actors,
    DictationFollowers followers,
    DictationPreferences preferences,
    DictationOptions options,
    TimeProvider time,
    ILogger logger) : IDictationFollower
{
    /// <summary>How long the writer may take to send what is queued (a close frame last) once the reader stops.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long session_end's answer waits for the completion event before it completes the socket itself.</summary>
    private static readonly TimeSpan CompletionEventWait = TimeSpan.FromSeconds(5);

    // Unbounded: one client follows its own session, whose messages are small and few.
    private readonly ClientOutbox _outbox = new(long.MaxValue);
    private IDictationActor? _session;
    private string? _sessionId;
    private FollowerRegistration<DictationEvent>? _registration;
    private long _receivedBytes;
    private volatile bool _completed;
    private int _completions;
    private volatile bool _starting;
    private bool _ended;
    private volatile bool _superseded;

    public async Task RunAsync(CancellationToken aborted)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var writer = _outbox.WriteToAsync(socket, CloseReason(WebSocketCloseStatus.NormalClosure), stop.Token);
        var heartbeat = HeartbeatLoopAsync(stop.Token);
        var acks = AudioAckLoopAsync(stop.Token);
        var deadline = SessionStartDeadlineAsync(stop);
        try
        {
            await ReadLoopAsync(stop.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            logger.LogInformation("Dictation socket closed abruptly: {Reason}", ex.Message);
        }
        finally
        {
            if (_session is { } session && !_completed && !_superseded)
            {
                // The client went away mid-session: everything it sent is kept, and the session waits
                // for it to resume (Seva:Dictation:ResumeWindow) before it is finalised.
                await Quietly(session.DetachAsync(new DictationDetachRequest(_registration!.Address.ConnectionId)));
            }

            _registration?.Dispose();

            // What is queued goes out first (the answer to a client's close frame last), then the
            // loops stop; a client that stopped reading does not hold the connection open.
            _outbox.Complete();
            await Quietly(writer.WaitAsync(DrainTimeout, time, CancellationToken.None));
            await stop.CancelAsync();
            await Task.WhenAll(Quietly(writer), Quietly(heartbeat), Quietly(acks), Quietly(deadline));
        }
    }

    public void OnResult(DictationResult result) => Send(new TranscriptionResultMessage(
        result.IsPartial, result.Text, result.SegmentId, Now, result.Confidence, result.StartTime, result.EndTime, result.RawText ?? result.Text, result.Separator));

    public void OnRetracted(IReadOnlyList<string> segmentIds) => Send(new TranscriptRetractedMessage(segmentIds, Now));

    public void OnError(DictationError error) => SendError(error);

    public void OnCompleted(DictationCompleted completed)
    {
        // Once: it comes as the session's last event, or from session_end's answer if that event was lost.
        if (Interlocked.Exchange(ref _completions, 1) == 1)
        {
            return;
        }

        _completed = true;
        Send(new SessionCompleteMessage(completed.SessionId, completed.TranscriptionId.ToString(), completed.AudioKey, completed.TotalDuration, completed.WordCount, Now));
        var status = completed.Status == Seva.Actors.Storage.TranscriptionStatus.Failed
            ? WebSocketCloseStatus.InternalServerError
            : WebSocketCloseStatus.NormalClosure;
        _outbox.CloseAfterQueued(status, CloseReason(status));
    }

    private double Now => DictationProtocol.Timestamp(time);

    private async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        // One frame may be at most 64 KiB; one byte more tells us it was too long.
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(AudioFrame.MaxFrameBytes, DictationProtocol.MaxTextMessageBytes) + 1);
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var (type, length, tooLong) = await ReceiveMessageAsync(buffer, cancellationToken);
                if (type == WebSocketMessageType.Close)
                {
                    // Complete the close handshake (1000): without it the client sees 1006, an abnormal end.
                    _outbox.CloseAfterQueued(WebSocketCloseStatus.NormalClosure, CloseReason(WebSocketCloseStatus.NormalClosure));
                    return;
                }

                if (tooLong)
                {
                    SendError(type == WebSocketMessageType.Binary
                        ? DictationError.InvalidAudio($"Audio frame over the {AudioFrame.MaxFrameBytes}-byte limit: send shorter chunks (250 ms is 8 KB at 16 kHz).")
                        : DictationError.InvalidField("message", $"text message over {DictationProtocol.MaxTextMessageBytes} bytes"));
                    continue;
                }

                try
                {
                    if (type == WebSocketMessageType.Binary)
                    {
                        await OnAudioAsync(buffer.AsMemory(0, length));
                    }
                    else
                    {
                        await OnTextAsync(buffer.AsSpan(0, length).ToArray(), cancellationToken);
                    }
                }
                catch (DictationException ex)
                {
                    SendError(ex.Error);
                    if (ex.Error.Code == DictationErrorCodes.SessionLimitExceeded)
                    {
                        _outbox.CloseAfterQueued(WebSocketCloseStatus.EndpointUnavailable, CloseReason(WebSocketCloseStatus.EndpointUnavailable));
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<(WebSocketMessageType Type, int Length, bool TooLong)> ReceiveMessageAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var length = 0;
        var tooLong = false;
        while (true)
        {
            var target = tooLong ? buffer.AsMemory() : buffer.AsMemory(length);
            if (target.IsEmpty)
            {
                tooLong = true;
                target = buffer.AsMemory();
            }

            var result = await socket.ReceiveAsync(target, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (WebSocketMessageType.Close, 0, false);
            }

            if (!tooLong)
            {
                length += result.Count;
            }

            var limit = result.MessageType == WebSocketMessageType.Binary ? AudioFrame.MaxFrameBytes : DictationProtocol.MaxTextMessageBytes;
            if (length > limit)
            {
                tooLong = true; // read and drop the rest of the message, then report it
            }

            if (result.EndOfMessage)
            {
                return (result.MessageType, length, tooLong);
            }
        }
    }

    private async Task OnAudioAsync(ReadOnlyMemory<byte> frame)
    {
        if (_session is null || _ended)
        {
            throw new DictationException(DictationError.InvalidState(_ended
                ? "Audio after session_end: the session is finishing or finished."
                : "Audio before session_start: send session_start first."));
        }

        if (!AudioFrame.TryParse(frame.Span, out _, out var error))
        {
            throw new DictationException(DictationError.InvalidAudio(error));
        }

        // Queued for the session without waiting for it (the read buffer is copied); not cancelled by the
        // socket: once a frame is read, it is kept whatever the client does next.
        var reply = await _session.AcceptAudioAsync(new DictationAudioRequest(_registration!.Address.ConnectionId, frame[1..].ToArray()));
        if (reply.Error is null)
        {
            Interlocked.Exchange(ref _receivedBytes, reply.ReceivedBytes); // a refusal's count says nothing
        }

        if (reply.Error is { } refused)
        {
            throw new DictationException(refused);
        }
    }

    private async Task OnTextAsync(byte[] utf8, CancellationToken cancellationToken)
    {
        switch (DictationProtocol.Parse(utf8))
        {
            case SessionStartMessage start:
                if (_session is not null)
                {
                    throw new DictationException(DictationError.InvalidState("A session is already running on this connection: one session per socket."));
                }

                _starting = true;
                var registration = followers.Register(this, OnSuperseded);
                try
                {
                    var sessionId = string.IsNullOrWhiteSpace(start.SessionId) ? Guid.NewGuid().ToString() : start.SessionId;
                    var session = actors.Get(sessionId);
                    var reply = await session.StartAsync(new DictationStartRequest(
                        new DictationStart(userId, sessionId, start.Quality, start.Language, start.Specialty, start.Vocabulary,
                            Formatting: start.FormattingFor(await preferences.GetAsync(userId, cancellationToken))),
                        registration.Address,
                        Resumable: true));
                    if (reply.Started is not { } started)
                    {
                        registration.Dispose();
                        throw new DictationException(reply.Error ?? DictationError.InvalidState("The session did not start."));
                    }

                    (_session, _sessionId, _registration) = (session, sessionId, registration);
                    Interlocked.Exchange(ref _receivedBytes, started.ReceivedBytes);
                    Send(new SessionAckMessage(started.SessionId, started.JobId, started.SampleRate, started.Resumed, started.ReceivedBytes, Now));
                    registration.Open(); // after the ack: a resumed client gets the finals it missed next
                }
                catch (Exception ex) when (ex is not DictationException)
                {
                    registration.Dispose();
                    throw;
                }
                finally
                {
                    _starting = false;
                }

                break;

            case SessionEnd end:
                if (_session is null)
                {
                    throw new DictationException(DictationError.InvalidState("session_end before session_start."));
                }

                if (end.SessionId is not null && end.SessionId != _sessionId)
                {
                    throw new DictationException(DictationError.InvalidField("session_id", $"'{end.SessionId}' is not the session on this connection ({_sessionId})"));
                }

                if (_ended)
                {
                    throw new DictationException(DictationError.InvalidState("session_end was already received."));
                }

                _ended = true;

                // Finishing decodes what is queued and saves the record; the reader goes on meanwhile, so a
                // frame sent after session_end is answered (INVALID_SESSION_STATE) rather than left waiting.
                _ = FinishAsync(_session);
                break;
        }
    }

    private async Task FinishAsync(IDictationActor session)
    {
        // Not tied to the socket: a client that leaves right after session_end still gets its record.
        var reply = await session.EndAsync(new DictationEndRequest(_registration!.Address.ConnectionId)); // session_complete follows through OnCompleted
        if (reply.Error is { } error)
        {
            SendError(error);
        }
        else if (reply.Completed is { } completed && !_completed)
        {
            // Between hosts the completion event may still be on its way, behind the last finals: give it
            // a moment, then complete from the answer (the finals are in the record whatever happens).
            await Task.Delay(CompletionEventWait, time);
            OnCompleted(completed);
        }
    }

    private void SendError(DictationError error)
    {
        SevaTelemetry.RecordError("dictation", error.Code);
        Send(new ErrorMessage(error.Code, error.Message, error.Recoverable, error.RetryAfter, Now, new ErrorContext(_sessionId)));
    }

    private void Send<T>(T message) =>
        _outbox.TryEnqueue(JsonSerializer.SerializeToUtf8Bytes(message, DictationProtocol.Json), WebSocketMessageType.Text);

    /// <summary>Another connection resumed this session (the client reconnected before this socket was
    /// seen to drop): this one is stale, so it is cut at once.</summary>
    private void OnSuperseded()
    {
        _superseded = true;
        logger.LogInformation("Dictation {SessionId} was resumed on another connection: closing this one", _sessionId);
        socket.Abort();
    }

    /// <summary>Tells the client every second how much of its audio the server holds, so that after a
    /// drop it knows what to resend.</summary>
    private async Task AudioAckLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            if (_session is not null && !_ended && !_superseded && !_completed)
            {
                Send(new AudioAckMessage(Interlocked.Read(ref _receivedBytes), Now));
            }
        }
    }

    private static string CloseReason(WebSocketCloseStatus status) => status switch
    {
        WebSocketCloseStatus.NormalClosure => "session complete",
        WebSocketCloseStatus.PolicyViolation => "no session_start",
        _ => "session ended",
    };

    /// <summary>A socket that never starts a session would hold a connection for nothing: after
    /// <see cref="DictationOptions.SessionStartTimeout"/> it gets SESSION_START_TIMEOUT and a 1008 close,
    /// and if it does not answer the close, it is cut off.</summary>
    private async Task SessionStartDeadlineAsync(CancellationTokenSource stop)
    {
        await Task.Delay(options.SessionStartTimeout, time, stop.Token);
        if (_session is not null || _starting)
        {
            return;
        }

        SendError(DictationError.SessionStartTimeout(options.SessionStartTimeout));
        _outbox.CloseAfterQueued(WebSocketCloseStatus.PolicyViolation, CloseReason(WebSocketCloseStatus.PolicyViolation));
        await Task.Delay(DrainTimeout, time, stop.Token);
        logger.LogInformation("Dictation socket without session_start did not answer the close: aborting it");
        await stop.CancelAsync();
    }

    private async Task HeartbeatLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.HeartbeatInterval, time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            Send(new HeartbeatMessage(Now));
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException or TimeoutException)
        {
            // the socket is going away
        }
    }
}
