using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Seva.Actors.Contracts;
using Seva.Actors.Fanout;
using Seva.Actors.Hosting;
using Seva.Actors.Hosting.InProcess;
using Seva.Actors.Speech;
using Seva.Actors.Speech.PocketSphinx;
using Seva.Actors.Storage;

namespace Seva.Actors.Dictation;

public static class DictationExtensions
{
    /// <summary>Live dictation on the embedded defaults: PocketSphinx, SQLite, files, in-process actors.</summary>
    public static IServiceCollection AddDictationActors(this IServiceCollection services)
    {
        services.AddOptions<DictationOptions>()
            .BindConfiguration(DictationOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddPocketSphinx();
        services.AddOptions<EngineBreakerOptions>()
            .BindConfiguration(EngineBreakerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<EngineCircuitBreaker>();
        services.AddHealthChecks().AddCheck<EngineBreakerHealthCheck>("speech_breaker", tags: [HealthTags.Ready]);
        services.AddSevaStorage();
        services.AddHostedService<Formatting.FormatterVocabularyCheck>();
        services.AddSingleton<DictationAdmission>();
        services.AddSingleton<DictationSessions>();
        services.AddSingleton<DictationFollowers>();
        services.TryAddSingleton<IDictationEventSink, InProcessDictationEvents>();
        services.TryAddSingleton<InProcessDictationActors>();
        services.TryAddSingleton<IDictationActors>(sp => sp.GetRequiredService<InProcessDictationActors>());
        services.AddSingleton<UploadTranscriber>();
        services.AddHostedService<IdleSessionSweeper>();
        services.AddSevaShutdown();
        services.AddHostedService<SessionsShutdown>();
        return services;
    }

    private sealed class IdleSessionSweeper(DictationSessions sessions, IOptions<DictationOptions> options, TimeProvider time) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            // Check often enough that a session times out within a few percent of its limit.
            var period = TimeSpan.FromTicks(Math.Clamp(options.Value.IdleTimeout.Ticks / 10, TimeSpan.FromMilliseconds(200).Ticks, TimeSpan.FromSeconds(10).Ticks));
            using var timer = new PeriodicTimer(period, time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                sessions.TimeOutIdleSessions();
            }
        }
    }

    /// <summary>Ends every open session when the host starts stopping (SIGTERM), before the server waits
    /// for requests: a socket's request lasts as long as its session, so the sessions end first. In Dapr
    /// mode they are not ended but moved: Dapr places each on another actor host at its next call.</summary>
    private sealed class SessionsShutdown(DictationSessions sessions, IOptions<ShutdownOptions> options, IOptions<HostingOptions> hosting) : IHostedLifecycleService
    {
        public Task StoppingAsync(CancellationToken cancellationToken) => hosting.Value.Mode == HostingMode.Dapr
            ? sessions.SuspendAllAsync(options.Value.ShutdownTimeout, cancellationToken)
            : sessions.EndAllAsync(options.Value.ShutdownTimeout, cancellationToken);

        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
