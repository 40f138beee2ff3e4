using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Seva.Web.Features.AwsCompat;

public static class AwsCompatExtensions
{
    /// <summary>The protocol core of the Amazon Transcribe-compatible endpoint: <c>Seva:AwsCompat</c> options
    /// (validated at start), the configured key pairs as the <see cref="IAwsCredentialStore"/>, and a
    /// <see cref="SigV4Verifier"/> for service <c>transcribe</c>. Maps no endpoint.</summary>
    public static WebApplicationBuilder AddAwsCompat(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddAwsCompatCore();
        return builder;
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
