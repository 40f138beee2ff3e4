using Microsoft.Extensions.Options;

namespace Seva.Web.Features.Security;

/// <summary>Origins, besides Seva's own, whose pages may use the signed-in user's cookie on the APIs:
/// <c>Seva:AllowedOrigins:N</c> (e.g. <c>https://intranet.example.org</c>).</summary>
public sealed class AllowedOriginsOptions
{
    public const string SectionName = "Seva";

    public IList<string> AllowedOrigins { get; } = [];
}

internal sealed class AllowedOriginsOptionsValidator : IValidateOptions<AllowedOriginsOptions>
{
    public ValidateOptionsResult Validate(string? name, AllowedOriginsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        for (var i = 0; i < options.AllowedOrigins.Count; i++)
        {
            if (OriginPolicy.Normalize(options.AllowedOrigins[i]) is null)
            {
                failures.Add($"Seva:AllowedOrigins:{i} ('{options.AllowedOrigins[i]}') is not an origin: write scheme, host and optional port only, e.g. https://intranet.example.org or http://localhost:8080.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
