using Dapr;
using Dapr.Actors.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Seva.Actors.Contracts;
using Seva.Actors.Fanout;
using Seva.Actors.Hosting.InProcess;

namespace Seva.Actors.Hosting.Dapr;

public static class DaprHostingExtensions
{
    /// <summary>The route the sidecar posts this web host's events to (its topic, <see cref="Topics.ForWebHost"/>).</summary>
    public const string EventsRoute = "/dapr/events";

    /// <summary><c>Seva:Hosting</c>: in-process actors (nothing to add), or in Dapr mode the actor
    /// registrations (Actors role), the actor proxies and the event subscription (Web role) and the
    /// pub/sub fan-out. Call after the features, whose in-process defaults it replaces.</summary>
    public static IServiceCollection AddSevaHosting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HostingOptions>()
            .BindConfiguration(HostingOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<HostingOptions>, HostingOptionsValidator>();
        var hosting = configuration.GetSection(HostingOptions.SectionName).Get<HostingOptions>() ?? new HostingOptions();
        if (hosting.Mode != HostingMode.Dapr)
        {
            return services;
        }

        var sidecar = hosting.Dapr.ResolveHttpEndpoint();
        services.AddHttpClient(nameof(DaprPubSubEvents));
        services.AddSingleton<DaprPubSubEvents>();
        services.AddHostedService(sp => sp.GetRequiredService<DaprPubSubEvents>());
        services.Replace(ServiceDescriptor.Singleton<IDictationEventSink>(sp => sp.GetRequiredService<DaprPubSubEvents>()));
        services.Replace(ServiceDescriptor.Singleton<IBroadcastEventSink>(sp => sp.GetRequiredService<DaprPubSubEvents>()));
        services.AddHostedService<DaprSidecarWatch>();
        if (hosting.RunsActors)
        {
            services.AddActors(options =>
            {
                options.Actors.RegisterActor<DaprDictationActor>();
                options.Actors.RegisterActor<DaprBroadcastActor>();
                options.JsonSerializerOptions = DaprJson.Options;
                options.HttpEndpoint = sidecar;

                // A session is one long conversation with one caller: calls into it must not interleave.
                options.ReentrancyConfig = new() { Enabled = false };

                // Longer than a session's own idle timeout and resume window, which end it first; an actor
                // only looked up (a listener's link to a broadcast that never existed) is dropped after it.
                options.ActorIdleTimeout = TimeSpan.FromMinutes(15);
                options.DrainRebalancedActors = true;
                options.DrainOngoingCallTimeout = TimeSpan.FromSeconds(30);
            });
        }

        if (hosting.RunsWeb)
        {
            services.Replace(ServiceDescriptor.Singleton<IActorProxyFactory>(new ActorProxyFactory(new ActorProxyOptions
            {
                HttpEndpoint = sidecar,
                JsonSerializerOptions = DaprJson.Options,
            })));
            services.Replace(ServiceDescriptor.Singleton<IDictationActors, DaprDictationActors>());
            services.Replace(ServiceDescriptor.Singleton<IBroadcastActors, DaprBroadcastActors>());
        }

        return services;
    }

    /// <summary>In Dapr mode, the endpoints the sidecar calls: <c>/dapr/config</c> and <c>/actors/...</c>
    /// (Actors role), <c>/dapr/subscribe</c> and the event route (Web role). Served from the start,
    /// whether or not a sidecar answers yet.</summary>
    public static WebApplication MapSevaHosting(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var hosting = app.Services.GetRequiredService<IOptions<HostingOptions>>().Value;
        if (hosting.Mode != HostingMode.Dapr)
        {
            return app;
        }

        app.UseMiddleware<DaprAppTokenCheck>();
        app.UseCloudEvents();
        if (hosting.RunsActors)
        {
            app.MapActorsHandlers();
        }

        if (hosting.RunsWeb)
        {
            var dictation = app.Services.GetRequiredService<DictationFollowers>();
            var broadcasts = app.Services.GetRequiredService<BroadcastFollowers>();
            app.MapPost(EventsRoute, (SevaEventEnvelope envelope) =>
                {
                    if (envelope.Dictation is { } d)
                    {
                        dictation.Deliver(d.To, d.Event);
                    }

                    if (envelope.Broadcast is { } b)
                    {
                        broadcasts.Deliver(b);
                    }

                    return Results.Ok();
                })
                .WithTopic(hosting.Dapr.PubSubName, Topics.ForWebHost(dictation.HostId));
            app.MapSubscribeHandler();
        }

        return app;
    }
}

internal sealed class HostingOptionsValidator : IValidateOptions<HostingOptions>
{
    public ValidateOptionsResult Validate(string? name, HostingOptions options)
    {
        var failures = new List<string>();
        if (options.Mode == HostingMode.Dapr && options.Roles == HostingRoles.None)
        {
            failures.Add("Seva:Hosting:Roles is empty: in Dapr mode a host is Web, Actors or both (Seva__Hosting__Roles=\"Web,Actors\").");
        }

        if (options.Mode == HostingMode.Dapr && !options.Dapr.AllowWithoutAppToken && options.Dapr.ResolveAppApiToken() is null)
        {
            failures.Add("Dapr mode serves /actors and /dapr endpoints that run sessions for any caller: set APP_API_TOKEN (Dapr's app API token, in the environment of daprd and Seva alike), "
                + "or Seva__Hosting__Dapr__AllowWithoutAppToken=true if nothing but the sidecar can reach this port.");
        }

        // Checked here: ValidateDataAnnotations does not look inside the nested Dapr section.
        var ttl = options.Dapr.EndedStateTtl;
        if (ttl < TimeSpan.Zero || ttl > DaprHostingOptions.MaxEndedStateTtl || (ttl > TimeSpan.Zero && ttl < TimeSpan.FromSeconds(1)))
        {
            failures.Add($"Seva:Hosting:Dapr:EndedStateTtl ({ttl}) must be 00:00:00 (keep ended broadcasts' state for good) or from 00:00:01 to {DaprHostingOptions.MaxEndedStateTtl.Days}.00:00:00 (daprd keeps state TTLs in whole seconds); the default is 1.00:00:00.");
        }

        if (options.Dapr.CheckInterval < DaprHostingOptions.MinCheckInterval || options.Dapr.CheckInterval > DaprHostingOptions.MaxCheckInterval)
        {
            failures.Add($"Seva:Hosting:Dapr:CheckInterval ({options.Dapr.CheckInterval}) must be from {DaprHostingOptions.MinCheckInterval} to {DaprHostingOptions.MaxCheckInterval}; the default is 00:00:05.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
