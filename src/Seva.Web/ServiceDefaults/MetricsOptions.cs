using System.ComponentModel.DataAnnotations;

namespace Seva.Web.ServiceDefaults;

/// <summary><c>Seva:Metrics:AdminKey</c>: the key a Prometheus scraper presents
/// (<c>Authorization: Bearer &lt;key&gt;</c>) to read <c>/metrics</c>. Without it the endpoint answers 403:
/// the figures are global (every user's sessions, errors, load), so no user's API key may read them.</summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Seva:Metrics";

    public const int MinimumKeyLength = 16;

    [MinLength(MinimumKeyLength, ErrorMessage = "Seva:Metrics:AdminKey must be at least 16 characters (generate one with `openssl rand -hex 24`).")]
    public string? AdminKey { get; set; }
}
