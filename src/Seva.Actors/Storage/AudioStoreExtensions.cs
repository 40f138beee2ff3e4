using Amazon.S3;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Seva.Actors.Storage.Files;
using Seva.Actors.Storage.S3;

namespace Seva.Actors.Storage;

public static class AudioStoreExtensions
{
    /// <summary>The audio store <c>Seva:AudioStore:Provider</c> names: files under the data directory
    /// (default) or an S3 bucket, whose client takes its credentials from the AWS SDK's standard chain.</summary>
    public static IServiceCollection AddSevaAudioStore(this IServiceCollection services)
    {
        services.AddOptions<AudioStoreOptions>()
            .BindConfiguration(AudioStoreOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AudioStoreOptions>, AudioStoreOptionsValidator>();
        services.AddSingleton<IAudioStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AudioStoreOptions>>().Value;
            return options.UsesS3
                ? new S3AudioStore(
                    new AmazonS3Client(S3AudioStore.ClientConfig(options.S3)),
                    options.S3,
                    S3Spool.DirectoryUnder(sp.GetRequiredService<IOptions<StorageOptions>>().Value.FullDataDirectory),
                    sp.GetRequiredService<TimeProvider>(),
                    sp.GetRequiredService<ILogger<S3AudioStore>>())
                : ActivatorUtilities.CreateInstance<FileAudioStore>(sp);
        });
        return services;
    }
}
