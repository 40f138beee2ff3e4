using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Seva.Actors.Storage;
using Seva.Web.Features.Accounts;

namespace Seva.Web.Tests.Support;

public static class SevaTestServices
{
    /// <summary>What every component test needs: MudBlazor's services and loose JS interop.</summary>
    public static void AddSevaTestServices(this BunitContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Services.AddMudServices();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
    }

    /// <summary>Dictation preferences over a fresh, migrated SQLite accounts database in a temporary folder
    /// (the pages read and save them as they would on a server).</summary>
    public static DictationPreferences AddDictationPreferences(this BunitContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var storage = Options.Create(new StorageOptions { DataDirectory = Path.Combine(Path.GetTempPath(), "seva-bunit-" + Guid.NewGuid().ToString("N")) });
        Directory.CreateDirectory(storage.Value.FullDataDirectory);
        var contexts = new AccountsDbContextFactory(new DatabaseConnection(Options.Create(new DatabaseOptions()), storage));
        using (var db = contexts.CreateDbContext())
        {
            db.Database.Migrate();
        }

        var preferences = new DictationPreferences(contexts);
        context.Services.AddSingleton<IDbContextFactory<AccountsDbContext>>(contexts);
        context.Services.AddSingleton(preferences);
        return preferences;
    }
}
