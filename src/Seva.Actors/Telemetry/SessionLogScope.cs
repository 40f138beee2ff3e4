using System.Collections;
using Microsoft.Extensions.Logging;

namespace Seva.Actors.Telemetry;

/// <summary>A logging scope naming the session, so every line logged for it (console or JSON, with
/// <c>IncludeScopes</c>) carries <c>SessionId</c>.</summary>
/// <remarks>Scopes flow with the execution context: a session's mailbox loop started inside the scope
/// keeps it for the session's life.</remarks>
public sealed class SessionLogScope : IReadOnlyList<KeyValuePair<string, object>>
{
    private readonly KeyValuePair<string, object> _pair;

    private SessionLogScope(string sessionId) => _pair = new("SessionId", sessionId);

    public int Count => 1;

    public KeyValuePair<string, object> this[int index] =>
        index == 0 ? _pair : throw new ArgumentOutOfRangeException(nameof(index));

    public static IDisposable? Begin(ILogger logger, string sessionId)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return logger.BeginScope(new SessionLogScope(sessionId));
    }

    public IEnumerator<KeyValuePair<string, object>> GetEnumerator()
    {
        yield return _pair;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>What text formatters print for the scope.</summary>
    public override string ToString() => $"SessionId:{_pair.Value}";
}
