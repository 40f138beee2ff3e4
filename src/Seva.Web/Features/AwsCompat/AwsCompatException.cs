namespace Seva.Web.Features.AwsCompat;

/// <summary>A fault to report to an AWS SDK client: the error type it will see as the error's name, and a
/// message. The five types Transcribe Streaming models (<see cref="ModeledTypes"/>) reach the SDK as typed
/// exceptions; any other (InvalidSignatureException, say) as a plain error of that name.</summary>
public sealed class AwsCompatException(string errorType, string message) : Exception(message)
{
    public const string BadRequest = "BadRequestException";
    public const string LimitExceeded = "LimitExceededException";
    public const string InternalFailure = "InternalFailureException";
    public const string Conflict = "ConflictException";
    public const string ServiceUnavailable = "ServiceUnavailableException";
    public const string InvalidSignature = "InvalidSignatureException";

    public static IReadOnlySet<string> ModeledTypes { get; } =
        new HashSet<string>([BadRequest, LimitExceeded, InternalFailure, Conflict, ServiceUnavailable], StringComparer.Ordinal);

    public string ErrorType { get; } = errorType;

    public bool IsModeled => ModeledTypes.Contains(ErrorType);

    /// <summary>The HTTP status AWS pairs with the type, for a refusal before the stream starts.</summary>
    public int StatusCode => ErrorType switch
    {
        BadRequest => StatusCodes.Status400BadRequest,
        LimitExceeded => StatusCodes.Status429TooManyRequests,
        Conflict => StatusCodes.Status409Conflict,
        ServiceUnavailable => StatusCodes.Status503ServiceUnavailable,
        InvalidSignature => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status500InternalServerError,
    };
}
