namespace Seva.Actors.Broadcast;

/// <summary>Why a status update was sent to the speaker.</summary>
public static class StatusReasons
{
    public const string Requested = "requested";
    public const string Periodic = "periodic";
    public const string ListenerCountChange = "listenerCountChange";
    public const string NewLanguage = "newLanguage";
}

/// <summary>The speaker's view of the audience.</summary>
public sealed record BroadcastStatus(
    string SessionId,
    int ListenerCount,
    IReadOnlyDictionary<string, int> LanguageDistribution,
    long SessionDuration,
    BroadcastState BroadcastState,
    DateTimeOffset Timestamp,
    string UpdateReason);

/// <summary>Decides when the speaker gets an unrequested status: every <c>period</c>
/// (<see cref="BroadcastOptions.StatusPeriod"/>), when the listener count moved by more than 10% since
/// the last status, and when a language appears.</summary>
/// <remarks>Not thread-safe: one instance per broadcast, used in its turns.</remarks>
public sealed class StatusTrigger(TimeSpan period)
{
    private int _reportedCount;
    private HashSet<string> _reportedLanguages = new(StringComparer.Ordinal);
    private DateTimeOffset _reportedAt;

    /// <summary>Counts listeners per target language.</summary>
    public static IReadOnlyDictionary<string, int> Distribution(IEnumerable<string> listenerLanguages) =>
        listenerLanguages.GroupBy(l => l, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>The reason to send a status now, or null. Call after every listener change and on a timer.</summary>
    public string? Check(IReadOnlyDictionary<string, int> distribution, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        var count = distribution.Values.Sum();
        if (distribution.Keys.Any(l => !_reportedLanguages.Contains(l)))
        {
            return StatusReasons.NewLanguage;
        }

        // More than 10% of the last reported count (any change counts while there was nobody).
        if (Math.Abs(count - _reportedCount) > (_reportedCount * 0.10) && count != _reportedCount)
        {
            return StatusReasons.ListenerCountChange;
        }

        return now - _reportedAt >= period ? StatusReasons.Periodic : null;
    }

    /// <summary>Remembers what a sent status told the speaker.</summary>
    public void Reported(IReadOnlyDictionary<string, int> distribution, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        _reportedCount = distribution.Values.Sum();
        _reportedLanguages = new HashSet<string>(distribution.Keys, StringComparer.Ordinal);
        _reportedAt = now;
    }
}
