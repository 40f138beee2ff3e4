using System.Threading.Channels;
using Seva.Actors.Contracts;
using Seva.Actors.Dictation;
using Seva.Actors.Fanout;

namespace Seva.Web.Features.AwsCompat;

/// <summary>One Transcribe stream as a Seva dictation session: the one place this endpoint uses the dictation
/// contract (<see cref="IDictationActor"/>: start, audio, end, and the session's events as a follower). The session is started like the WebSocket API's (same actor, engine, record and
/// audio); what it reports comes out of <see cref="Events"/> as event-stream messages, ending with the
/// failure that ended the stream, if any.</summary>
/// <remarks>Follower calls arrive on the session's turn and only write to an unbounded channel (one client
/// reads its own small messages); audio is posted from the stream's one reader.</remarks>
internal sealed class TranscribeSession : IDictationFollower, IDisposable
{
    private readonly Channel<EventStreamMessage> _events = Channel.CreateUnbounded<EventStreamMessage>(new() { SingleReader = true });
    private readonly CancellationTokenSource _ended = new();
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TranscribeStreamRequest _request;
    private readonly ILogger _logger;
    private IDictationActor? _session;
    private FollowerRegistration<DictationEvent>? _registration;
    private DictationStarted? _started;
    private int _completions;
    private AwsCompatException? _failure;
    private byte? _oddByte;

    private TranscribeSession(TranscribeStreamRequest request, ILogger logger)
    {
        _request = request;
        _logger = logger;
    }

    /// <summary>The session id the client sees (its own <c>session-id</c> if it sent one).</summary>
    public string SessionId => _started!.SessionId;

    public Guid TranscriptionId => _started!.TranscriptionId;

    public ChannelReader<EventStreamMessage> Events => _events.Reader;

    /// <summary>Cancelled once the session has finished, whatever ended it.</summary>
    public CancellationToken Ended => _ended.Token;

    /// <summary>Completes (never faults) once the session has finished and <see cref="Events"/> is complete.</summary>
    public Task Finished => _finished.Task;

    private string ConnectionId => _registration!.Address.ConnectionId;

    /// <summary>Seva's quality for each sample rate it records at.</summary>
    public static IReadOnlyDictionary<int, string> QualityByRate { get; } = DictationQuality.All
        .Select(q => (Quality: q, Ok: DictationQuality.TryGetSampleRate(q, out var rate), Rate: rate))
        .Where(q => q.Ok)
        .ToDictionary(q => q.Rate, q => q.Quality);

    /// <exception cref="AwsCompatException">The session could not start (capacity, a session with this id
    /// running, the engine or the database).</exception>
    public static async Task<TranscribeSession> StartAsync(
        IDictationActors actors, DictationFollowers followers, string userId, TranscribeStreamRequest request, Seva.Actors.Formatting.FormattingOptions formatting, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actors);
        ArgumentNullException.ThrowIfNull(followers);
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var stream = new TranscribeSession(request, logger);
        var sessionId = string.IsNullOrWhiteSpace(request.SessionId) ? Guid.NewGuid().ToString() : request.SessionId;
        var start = new DictationStart(
            userId,
            sessionId,
            QualityByRate[request.SampleRate],
            request.LanguageCode,
            request.Specialty,
            Vocabulary: [],
            IsStreaming: true,
            Formatting: formatting);
        stream._registration = followers.Register(stream);
        var session = actors.Get(sessionId);
        var reply = await session.StartAsync(new DictationStartRequest(start, stream._registration.Address, Resumable: false));
        if (reply.Started is not { } started)
        {
            stream.Dispose();
            throw ToAws(reply.Error ?? DictationError.InvalidState("The session did not start."));
        }

        (stream._session, stream._started) = (session, started);
        stream._registration.Open();
        return stream;
    }

    /// <summary>Passes 16-bit PCM to the session. AWS clients cut audio anywhere, so a chunk's odd last byte
    /// waits for the next chunk. False once the session has ended.</summary>
    public async ValueTask<bool> PostAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
    {
        if (_oddByte is { } odd)
        {
            var joined = new byte[audio.Length + 1];
            joined[0] = odd;
            audio.CopyTo(joined.AsMemory(1));
            audio = joined;
            _oddByte = null;
        }

        if (audio.Length % 2 == 1)
        {
            _oddByte = audio.Span[^1];
            audio = audio[..^1];
        }

        if (audio.IsEmpty)
        {
            return true;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var reply = await _session!.AcceptAudioAsync(new DictationAudioRequest(ConnectionId, audio.ToArray()));
        return reply.Error is null; // refused once it ended (its reason is already in Events)
    }

    /// <summary>Decodes what is queued and closes the record; the finals, then <paramref name="failure"/>
    /// (the reason the stream ends early, if any), come out of <see cref="Events"/>.</summary>
    public async Task EndAsync(AwsCompatException? failure)
    {
        _failure ??= failure;
        var reply = await _session!.EndAsync(new DictationEndRequest(ConnectionId));
        if (reply.Completed is { } completed)
        {
            // Between hosts the completion event may still be on its way behind the last finals.
            await Task.WhenAny(_finished.Task, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
            OnCompleted(completed);
        }
        else
        {
            _logger.LogError("Transcribe stream session {SessionId} failed to finish: {Message}", SessionId, reply.Error?.Message);
            _events.Writer.TryWrite(TranscribeEvents.Failure(new AwsCompatException(AwsCompatException.InternalFailure, "The session failed to finish; what was received is kept.")));
            await CloseAsync();
        }
    }

    /// <summary>The client is gone: keep what it sent, mark the record failed.</summary>
    public Task AbandonAsync() => _session!.DetachAsync(new DictationDetachRequest(ConnectionId));

    public void OnResult(DictationResult result) =>
        _events.Writer.TryWrite(TranscribeEvents.Transcript(TranscriptMapper.Map(result, _request)));

    public void OnRetracted(IReadOnlyList<string> segmentIds)
    {
        // Amazon Transcribe has no way to take a final back: a client keeps what it got; the record, the
        // history and the REST API do not have the scratched sentence.
    }

    public void OnError(DictationError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error.Recoverable || error.Code == DictationErrorCodes.WebSocketConnectionFailed)
        {
            // AWS streams have no warnings (audio not stored, a slow database): the record says so.
            _logger.LogInformation("Transcribe stream session reported {Code}: {Message}", error.Code, error.Message);
            return;
        }

        _failure ??= ToAws(error);
    }

    public void OnCompleted(DictationCompleted completed)
    {
        // Once: it comes as the session's last event, or from the end's answer if that event was lost.
        if (Interlocked.Exchange(ref _completions, 1) == 1)
        {
            return;
        }

        if (_failure is not null)
        {
            _events.Writer.TryWrite(TranscribeEvents.Failure(_failure));
        }

        _ = CloseAsync();
    }

    /// <summary>Call after <see cref="Finished"/>.</summary>
    public void Dispose()
    {
        _registration?.Dispose();
        _ended.Dispose();
    }

    private async Task CloseAsync()
    {
        _events.Writer.TryComplete();
        await _ended.CancelAsync();
        _finished.TrySetResult();
    }

    private static AwsCompatException ToAws(DictationError error) => error.Code switch
    {
        DictationErrorCodes.SessionLimitExceeded => new(AwsCompatException.LimitExceeded, $"{error.Message} (retry after {error.RetryAfter} s)"),
        DictationErrorCodes.BufferOverflow => new(AwsCompatException.LimitExceeded, error.Message),
        DictationErrorCodes.InvalidSessionState => new(AwsCompatException.Conflict, error.Message),
        DictationErrorCodes.InvalidMessage or DictationErrorCodes.InvalidAudioFormat => new(AwsCompatException.BadRequest, error.Message),
        DictationErrorCodes.TranscribeServiceError => new(AwsCompatException.ServiceUnavailable, error.Message),
        _ => new(AwsCompatException.InternalFailure, $"{error.Code}: {error.Message}"),
    };
}
