using System.ComponentModel.DataAnnotations;

namespace Seva.Web.ServiceDefaults;

/// <summary><c>Seva:Metrics:AdminKey</c>: the key a Prometheus scraper presents
/// (<c>Authorization: Bearer &lt;key&gt;</c>) to read <c>/metrics</c>. Without it the endpoint answers 403:
/// the figures are global (every user's sessions, errors, load), so no user's API key may read them.</summary>
public sealed class MetricsOptions : IValidatableObject
{
    public const string SectionName = "Seva:Metrics";

    public const int MinimumKeyLength = 16;

    public string? AdminKey { get; set; }

    /// <summary>Empty counts as unset (an environment variable set to nothing), not as a short key.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(AdminKey) && AdminKey.Length < MinimumKeyLength)
        {
            yield return new ValidationResult(
                $"Seva:Metrics:AdminKey must be at least {MinimumKeyLength} characters (generate one with `openssl rand -hex 24`).",
                [nameof(AdminKey)]);
        }
    }
}
