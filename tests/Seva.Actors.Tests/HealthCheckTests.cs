using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Seva.Actors.Speech;
using Seva.Actors.Tests.Translation;
using Seva.Actors.Translation;

namespace Seva.Actors.Tests;

public sealed class HealthCheckTests(TranslatorFixture translators) : IClassFixture<TranslatorFixture>
{
    [Fact]
    public async Task SpeechModel_IsUnhealthyWhileLoading_HealthyOnceLoaded_UnhealthyWithTheReasonAfterAFailedLoad()
    {
        Assert.Equal(HealthStatus.Unhealthy, (await CheckAsync(new(0, 0, 2))).Status);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(new(1, 1, 2, ModelLoaded: true))).Status);
        var failed = await CheckAsync(new(0, 0, 2, ModelLoaded: true, ModelError: "cannot open acoustic model"));
        Assert.Equal(HealthStatus.Unhealthy, failed.Status);
        Assert.Contains("cannot open acoustic model", failed.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Translation_IsHealthyWhenEveryOfferedLanguageAnswers()
    {
        var result = await new TranslationHealthCheck(translators.Translator).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(translators.Translator.TargetsFor("en").Where(t => t != "en").Order(), result.Data.Keys.Order());
    }

    [Fact]
    public async Task Translation_IsDegraded_WithNoPairInstalled()
    {
        var empty = Directory.CreateTempSubdirectory("seva-no-pairs-");
        try
        {
            await using var translator = new ApertiumTranslator(Options.Create(new ApertiumOptions { ModesDirectory = empty.FullName }), NullLogger<ApertiumTranslator>.Instance);
            var result = await new TranslationHealthCheck(translator).CheckHealthAsync(new HealthCheckContext());
            Assert.Equal(HealthStatus.Degraded, result.Status);
            Assert.Contains("apertium-eng-spa", result.Description, StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    private static Task<HealthCheckResult> CheckAsync(SpeechEngineStatus status) =>
        new SpeechModelHealthCheck(new StatusOnly(status)).CheckHealthAsync(new HealthCheckContext());

    private sealed class StatusOnly(SpeechEngineStatus status) : ISpeechEngine
    {
        public int SampleRate => 16000;

        public SpeechEngineStatus GetStatus() => status;

        public Task<ISpeechStream> OpenStreamAsync(SpeechStreamOptions options, ISpeechResultSink sink, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("Only the status is used here.");
    }
}
