namespace Seva.Actors.Dictation;

/// <summary>The error codes of the dictation protocol (from the original design).</summary>
public static class DictationErrorCodes
{
    public const string MicrophoneAccessDenied = "MICROPHONE_ACCESS_DENIED";
    public const string AudioCaptureFailed = "AUDIO_CAPTURE_FAILED";
    public const string WebSocketConnectionFailed = "WEBSOCKET_CONNECTION_FAILED";
    public const string TranscribeServiceError = "TRANSCRIBE_SERVICE_ERROR";
    public const string S3UploadFailed = "S3_UPLOAD_FAILED";
    public const string DatabaseError = "DATABASE_ERROR";
    public const string SessionLimitExceeded = "SESSION_LIMIT_EXCEEDED";
    public const string BufferOverflow = "BUFFER_OVERFLOW";
    public const string SessionTimeout = "SESSION_TIMEOUT";
    public const string InvalidAudioFormat = "INVALID_AUDIO_FORMAT";
    public const string InvalidSessionState = "INVALID_SESSION_STATE";
    public const string InvalidMessage = "INVALID_MESSAGE";
    public const string SessionStartTimeout = "SESSION_START_TIMEOUT";
}

/// <summary>An error event: <paramref name="Recoverable"/> says whether the session goes on;
/// <paramref name="RetryAfter"/> (seconds) says when to try again, 0 if not applicable.</summary>
public sealed record DictationError(string Code, string Message, bool Recoverable, int RetryAfter = 0)
{
    public static DictationError SessionLimit(int retryAfter) =>
        new(DictationErrorCodes.SessionLimitExceeded, "Server is at capacity. Please try again in a few minutes.", Recoverable: false, retryAfter);

    public static DictationError SessionStartTimeout(TimeSpan timeout) =>
        new(DictationErrorCodes.SessionStartTimeout, $"No session_start within {timeout.TotalSeconds:0.#} s of connecting: closing. Send session_start first.", Recoverable: false);

    public static DictationError InvalidState(string message) =>
        new(DictationErrorCodes.InvalidSessionState, message, Recoverable: true);

    public static DictationError InvalidAudio(string message) =>
        new(DictationErrorCodes.InvalidAudioFormat, message, Recoverable: true);

    public static DictationError InvalidField(string field, string message) =>
        new(DictationErrorCodes.InvalidMessage, $"{field}: {message}", Recoverable: true);
}

/// <summary>Carries a <see cref="DictationError"/> out of a session call.</summary>
public sealed class DictationException : Exception
{
    public DictationException(DictationError error)
        : base(error?.Message)
    {
        Error = error ?? throw new ArgumentNullException(nameof(error));
    }

    public DictationException()
        : this(new DictationError(DictationErrorCodes.InvalidSessionState, "Unknown error", true))
    {
    }

    public DictationException(string message)
        : this(new DictationError(DictationErrorCodes.InvalidSessionState, message, true))
    {
    }

    public DictationException(string message, Exception inner)
        : base(message, inner)
    {
        Error = new DictationError(DictationErrorCodes.InvalidSessionState, message, true);
    }

    public DictationError Error { get; }
}
