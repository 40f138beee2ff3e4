using Microsoft.Extensions.Logging;

namespace Seva.Actors.Telemetry;

/// <summary>A logging scope naming the session, so every line logged for it (console or JSON, with
/// <c>IncludeScopes</c>) carries <c>SessionId</c>.</summary>
/// <remarks>Scopes flow with the execution context: a session's mailbox loop started inside the scope
/// keeps it for the session's life.</remarks>
public static class SessionLogScope
{
    public static IDisposable? Begin(ILogger logger, string sessionId)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return logger.BeginScope(new Dictionary<string, object> { ["SessionId"] = sessionId });
    }
}
