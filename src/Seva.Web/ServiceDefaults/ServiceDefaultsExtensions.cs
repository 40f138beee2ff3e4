using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Seva.Actors.Hosting;
using Seva.Web.Features.ApiKeys;

namespace Seva.Web.ServiceDefaults;

/// <summary>What every Seva host has besides its features: health checks, OpenTelemetry metrics and
/// traces, the Prometheus scrape endpoint (the shape of dotnet/eShop's ServiceDefaults).</summary>
public static class ServiceDefaultsExtensions
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    public const string MetricsPath = "/metrics";

    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy("Seva answers"), tags: [HealthTags.Live]);

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("seva"))
            .WithMetrics(metrics => metrics
                .AddMeter(Seva.Actors.Telemetry.SevaTelemetry.Name)
                .AddMeter("System.Runtime")
                .AddAspNetCoreInstrumentation()
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddSource(Seva.Actors.Telemetry.SevaTelemetry.Name)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsTelemetryPath(context.Request.Path)));

        // Traces (and metrics) go out over OTLP when the standard variable names a collector.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }

        return builder;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Anonymous, as load balancers call them; they name dependencies but hold no user data. The
        // README's reverse-proxy example keeps them off the public side.
        app.MapHealthChecks(LivePath, new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(HealthTags.Live),
            ResponseWriter = WriteJsonAsync,
        });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(HealthTags.Ready),
            ResponseWriter = WriteJsonAsync,
        });
        app.MapPrometheusScrapingEndpoint(MetricsPath, meterProvider: null, configureBranchedPipeline: scrape => scrape.Use(RequireAdminKeyAsync), optionsName: null);
        return app;
    }

    /// <summary>/metrics only for the configured admin key. Not for loopback either: the README's
    /// reverse proxy is on loopback, so "from loopback" would mean "from anywhere".</summary>
    private static async Task RequireAdminKeyAsync(HttpContext context, RequestDelegate next)
    {
        var adminKey = context.RequestServices.GetRequiredService<IOptions<MetricsOptions>>().Value.AdminKey;
        if (string.IsNullOrEmpty(adminKey))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsJsonAsync(new { error = "metrics_disabled", message = "Metrics are read with an admin key: set Seva:Metrics:AdminKey and send 'Authorization: Bearer <key>'." });
            return;
        }

        var presented = ApiKeyAuthenticationHandler.BearerToken(context.Request) ?? string.Empty;

        // Compared by hash in constant time: how long the check takes says nothing about the key.
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(adminKey))))
        {
            context.Response.StatusCode = presented.Length == 0 ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await context.Response.WriteAsJsonAsync(new { error = "metrics_forbidden", message = "Metrics need the admin key (Seva:Metrics:AdminKey) as 'Authorization: Bearer <key>'; API keys do not open them." });
            return;
        }

        await next(context);
    }

    private static bool IsTelemetryPath(PathString path) =>
        path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments(MetricsPath, StringComparison.OrdinalIgnoreCase);

    /// <summary>{"status","total_duration_ms","checks":{name:{"status","description","duration_ms","data"}}}.</summary>
    private static Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            total_duration_ms = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new
                {
                    status = e.Value.Status.ToString(),
                    description = e.Value.Description,
                    duration_ms = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                    data = e.Value.Data,
                }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonOptions));
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };
}
