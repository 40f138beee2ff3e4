namespace Seva.Actors.Hosting;

/// <summary>Which health endpoint runs a check: <c>/health/live</c> (the process answers) or
/// <c>/health/ready</c> (its dependencies answer, so it can take sessions).</summary>
public static class HealthTags
{
    public const string Live = "live";
    public const string Ready = "ready";
}
