using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Seva.Actors.Storage;
using Seva.Actors.Storage.Files;
using Seva.Actors.Storage.S3;

namespace Seva.Actors.Tests.Storage;

public sealed class AudioStoreOptionsTests
{
    [Fact]
    public void Validate_Defaults_AreFilesAndValid()
    {
        var options = new AudioStoreOptions();
        Assert.False(options.UsesS3);
        Assert.True(new AudioStoreOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Validate_UnknownProvider_NamesTheProvidersThereAre()
    {
        var result = new AudioStoreOptionsValidator().Validate(null, new AudioStoreOptions { Provider = "Azure" });
        Assert.True(result.Failed);
        Assert.Contains("Seva:AudioStore:Provider 'Azure'", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("use File", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("or S3", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_S3WithNothingSet_ReportsEverySettingToSetAtOnce()
    {
        var result = new AudioStoreOptionsValidator().Validate(null, new AudioStoreOptions { Provider = "s3" });
        Assert.True(result.Failed);
        Assert.Equal(2, result.Failures!.Count());
        Assert.Contains("Seva:AudioStore:S3:BucketName is required", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Seva:AudioStore:S3:Region is required for AWS", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Seva:AudioStore:S3:ServiceUrl", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Prefix", "recordings", "must be empty or end with '/'")]
    [InlineData("Prefix", "/audio/", "must be empty or end with '/' and not start with one")]
    [InlineData("PartSizeBytes", "1048576", "must be between 5242880 (5 MiB, the smallest part S3 takes)")]
    [InlineData("ServiceUrl", "minio:9000", "is not an http:// or https:// URL")]
    [InlineData("BucketName", "http://minio:9000/audio", "is not a bucket name")]
    public void Validate_BadS3Setting_SaysHowToFixIt(string setting, string value, string message)
    {
        var s3 = new S3AudioStoreOptions { BucketName = "seva-audio", Region = "eu-west-1" };
        typeof(S3AudioStoreOptions).GetProperty(setting)!.SetValue(s3, setting == "PartSizeBytes" ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : value);
        var result = new AudioStoreOptionsValidator().Validate(null, new AudioStoreOptions { Provider = "S3", S3 = s3 });
        Assert.True(result.Failed);
        Assert.Contains($"Seva:AudioStore:S3:{setting}", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "eu-west-1", "")]
    [InlineData("http://127.0.0.1:9000", null, "seva/audio/")]
    public void Validate_S3ForAwsOrACompatibleServer_Succeeds(string? serviceUrl, string? region, string prefix)
    {
        var s3 = new S3AudioStoreOptions { BucketName = "seva-audio", ServiceUrl = serviceUrl, Region = region, Prefix = prefix };
        Assert.True(new AudioStoreOptionsValidator().Validate(null, new AudioStoreOptions { Provider = "S3", S3 = s3 }).Succeeded);
    }

    [Fact]
    public void AddSevaAudioStore_WithoutSettings_KeepsRecordingsAsFiles_UnderTodaysKeys()
    {
        using var services = Services([]);
        var store = Assert.IsType<FileAudioStore>(services.GetRequiredService<IAudioStore>());
        Assert.Equal("audio/", store.KeyPrefix);
    }

    [Fact]
    public void AddSevaAudioStore_S3Settings_KeepRecordingsInTheBucket_UnderThePrefix()
    {
        using var services = Services(new()
        {
            ["Seva:AudioStore:Provider"] = "S3",
            ["Seva:AudioStore:S3:BucketName"] = "seva-audio",
            ["Seva:AudioStore:S3:ServiceUrl"] = "http://127.0.0.1:9000",
            ["Seva:AudioStore:S3:ForcePathStyle"] = "true",
            ["Seva:AudioStore:S3:Prefix"] = "clinic-a/",
        });
        var store = Assert.IsType<S3AudioStore>(services.GetRequiredService<IAudioStore>());
        Assert.Equal("seva-audio", store.Bucket);
        Assert.Equal("clinic-a/", store.KeyPrefix);
    }

    [Fact]
    public void AddSevaAudioStore_S3WithoutBucket_FailsWhenOptionsAreValidated()
    {
        using var services = Services(new() { ["Seva:AudioStore:Provider"] = "S3", ["Seva:AudioStore:S3:Region"] = "eu-west-1" });
        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AudioStoreOptions>>().Value);
        Assert.Contains("BucketName", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<StorageOptions>();
        services.AddSevaAudioStore();
        return services.BuildServiceProvider();
    }
}
