namespace Seva.Web.Features.StorageCopy;

public static class StorageCopyExtensions
{
    public static WebApplicationBuilder AddStorageCopy(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<StorageCopy>();
        return builder;
    }

    /// <summary>With <c>--copy-from {data directory}</c>, copies that installation into the configured
    /// storage and returns the exit code instead of serving; otherwise returns null.</summary>
    public static async Task<int?> RunStorageCopyIfAskedAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Configuration[StorageCopy.Setting] is not { Length: > 0 } from)
        {
            return null;
        }

        var logger = app.Services.GetRequiredService<ILogger<StorageCopy>>();
        try
        {
            var result = await app.Services.GetRequiredService<StorageCopy>().RunAsync(from, app.Lifetime.ApplicationStopping);
            logger.LogInformation(
                "Copy from {From} done: {Accounts} accounts, {Transcriptions} transcriptions, {Recordings} recordings copied, {Missing} missing",
                from, result.Accounts?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no new", result.Transcriptions?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no new", result.RecordingsCopied, result.RecordingsMissing);
            return result.RecordingsMissing == 0 ? 0 : 2;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Copy from {From} failed: {Message} Nothing copied so far is lost; run it again to finish", from, ex.Message);
            return 1;
        }
    }
}
