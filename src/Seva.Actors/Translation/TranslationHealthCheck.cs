using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Seva.Actors.Translation;

/// <summary>Ready when every language broadcasts offer answers a one-word translation from English
/// through its Apertium pipelines (started on first use, so the first check also starts them).</summary>
/// <remarks>With no pair installed, broadcasts still caption in English: that is degraded, not down.</remarks>
public sealed class TranslationHealthCheck(ITranslator translator) : IHealthCheck
{
    private const string Source = "en";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var targets = translator.TargetsFor(Source).Where(t => t != Source).ToList();
        if (targets.Count == 0)
        {
            return HealthCheckResult.Degraded("No Apertium language pair is installed: captions are English only (install apertium-eng-spa)");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var answers = await Task.WhenAll(targets.Select(t => TryTranslateAsync(t, timeout.Token)));
        var data = answers.ToDictionary(a => a.Language, a => (object)(a.Error ?? "answers"));
        var failed = answers.Where(a => a.Error is not null).Select(a => a.Language).ToList();
        return failed.Count == 0
            ? HealthCheckResult.Healthy($"Apertium answers for {string.Join(", ", targets)}", data)
            : HealthCheckResult.Unhealthy($"Apertium does not answer for {string.Join(", ", failed)}", data: data);
    }

    private async Task<(string Language, string? Error)> TryTranslateAsync(string target, CancellationToken cancellationToken)
    {
        try
        {
            var text = await translator.TranslateAsync("hello", Source, target, cancellationToken);
            return (target, string.IsNullOrWhiteSpace(text) ? "empty translation" : null);
        }
        catch (OperationCanceledException)
        {
            return (target, $"no answer within {Timeout.TotalSeconds:F0} s");
        }
        catch (Exception ex)
        {
            return (target, ex.Message);
        }
    }
}
