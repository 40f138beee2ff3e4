using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Seva.Web.Features.AwsCompat;

public static class AwsCompatExtensions
{
    /// <summary>The Amazon Transcribe-compatible endpoint: <c>Seva:AwsCompat</c> options (validated at start),
    /// the key pairs clients sign with, the plaintext HTTP/2 listener when <c>Http2Url</c> is set, and what
    /// opens a stream as a dictation session.</summary>
    public static WebApplicationBuilder AddAwsCompat(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton<ConfiguredAwsCredentialStore>();
        services.AddSingleton<IAwsCredentialStore, AwsCredentialStores>();
        services.AddAwsCompatCore();
        services.AddSingleton<TranscribeStreamOpener>();
        services.AddHostedService<Http2Listener>();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<AwsCompatOptions>>((kestrel, aws) => Http2Listener.ConfigureProtocols(kestrel, aws.Value));
        return builder;
    }

    /// <summary>The HTTP/2 port serves StartStreamTranscription and nothing else (first in the pipeline, so
    /// no page or API answers there); the WebSocket form is on the usual URLs. Neither takes a cookie or an
    /// API key: the SigV4 signature is the credential.</summary>
    public static WebApplication MapAwsCompat(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetRequiredService<IOptions<AwsCompatOptions>>().Value.Http2Port is { } port)
        {
            app.MapWhen(context => context.Connection.LocalPort == port, http2 => http2.Run(TranscribeHttp2Endpoint.HandleAsync));
        }

        app.MapGet(TranscribeWebSocketEndpoint.StreamPath, TranscribeWebSocketEndpoint.HandleStandardAsync);
        app.MapGet(TranscribeWebSocketEndpoint.MedicalStreamPath, TranscribeWebSocketEndpoint.HandleMedicalAsync);
        return app;
    }

    internal static IServiceCollection AddAwsCompatCore(this IServiceCollection services)
    {
        services.AddOptions<AwsCompatOptions>()
            .BindConfiguration(AwsCompatOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AwsCompatOptions>, AwsCompatOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IAwsCredentialStore, ConfiguredAwsCredentialStore>();
        services.AddSingleton(sp => new SigV4Verifier(sp.GetRequiredService<IAwsCredentialStore>(), sp.GetRequiredService<TimeProvider>(), SigV4Policy.Transcribe));
        return services;
    }
}
