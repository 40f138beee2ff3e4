using Microsoft.Extensions.Options;

namespace Seva.Web.Features.ApiKeys;

/// <summary>API keys from configuration: <c>Seva:ApiKeys:N:Key</c> and <c>Seva:ApiKeys:N:UserId</c>.</summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "Seva";

    public const int MinimumKeyLength = 16;

    public IList<ConfiguredApiKey> ApiKeys { get; } = [];
}

public sealed class ConfiguredApiKey
{
    public string Key { get; set; } = string.Empty;

    public string UserId { get; set; } = string.Empty;
}

internal sealed class ApiKeyOptionsValidator : IValidateOptions<ApiKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var key = options.ApiKeys[i];
            if (key.Key.Length < ApiKeyOptions.MinimumKeyLength)
            {
                failures.Add($"Seva:ApiKeys:{i}:Key must be at least {ApiKeyOptions.MinimumKeyLength} characters (generate one with `openssl rand -hex 24`).");
            }

            if (string.IsNullOrWhiteSpace(key.UserId))
            {
                failures.Add($"Seva:ApiKeys:{i}:UserId is empty: set the user the key acts for.");
            }

            if (!seen.Add(key.Key))
            {
                failures.Add($"Seva:ApiKeys:{i}:Key is configured twice: each key belongs to one user.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
