using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Seva.Actors.Storage;

namespace Seva.Web.Features.Accounts;

public static class AccountsExtensions
{
    /// <summary>Wrong passwords in a row that lock an account.</summary>
    public const int MaxFailedSignIns = 5;

    /// <summary>How long a locked account stays locked.</summary>
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    /// <summary>ASP.NET Core Identity on Seva's database: cookie sign-in for the pages, users' API keys,
    /// and the optional demo account.</summary>
    public static WebApplicationBuilder AddAccounts(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddCascadingAuthenticationState();
        services.AddScoped<AccountRedirects>();
        services.AddScoped<AuthenticationStateProvider, RevalidatingAuthenticationStateProvider>();
        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.LoginPath = "/Account/Login";
            cookie.AccessDeniedPath = "/Account/Login";

            // An API call without a valid key or cookie is a 401, never a redirect to the login page.
            cookie.Events.OnRedirectToLogin = context =>
            {
                if (context.Request.Path.StartsWithSegments("/api"))
                {
                    // The API key scheme may already have written its 401 with an explanation.
                    if (!context.Response.HasStarted)
                    {
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    }
                }
                else
                {
                    context.Response.Redirect(context.RedirectUri);
                }

                return Task.CompletedTask;
            };
        });
        services.AddSingleton<IDbContextFactory<AccountsDbContext>, AccountsDbContextFactory>();
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<AccountsDbContext>>().CreateDbContext());
        services.AddIdentityCore<SevaUser>(options =>
            {
                options.SignIn.RequireConfirmedAccount = false;
                options.User.RequireUniqueEmail = true;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequiredLength = 8;

                // Password guessing: the fifth wrong password in a row locks the account for a while
                // (the sign-in rate limit, Seva:SignInRateLimit, slows guessing across accounts).
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = MaxFailedSignIns;
                options.Lockout.DefaultLockoutTimeSpan = LockoutDuration;
            })
            .AddEntityFrameworkStores<AccountsDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        // Sign-in cookies and antiforgery tokens are encrypted with these keys: kept in the database,
        // they survive restarts, and every host sharing the database reads the same ones.
        services.AddDataProtection().SetApplicationName("Seva").PersistKeysToDbContext<AccountsDbContext>();
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<AwsKeyService>();
        services.AddSingleton<DictationPreferences>();
        services.AddOptions<DemoUserOptions>().BindConfiguration(DemoUserOptions.SectionName);
        services.AddHostedService<AccountsStartup>();
        return builder;
    }

    public static WebApplication MapAccounts(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/Account/Logout", async (SignInManager<SevaUser> signIn, [FromForm] string? returnUrl) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("~/" + (returnUrl ?? string.Empty).TrimStart('/'));
        });
        return app;
    }

    /// <summary>Migrates the accounts schema and creates the demo account, before requests are taken.</summary>
    /// <remarks>It runs in <see cref="IHostedLifecycleService.StartingAsync"/>, before any hosted service
    /// starts: Data Protection's own hosted service reads the key ring from the database at its start.</remarks>
    private sealed class AccountsStartup(IServiceProvider services, IOptions<DemoUserOptions> demo, IOptions<StorageOptions> storage, ILogger<AccountsStartup> logger) : IHostedLifecycleService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task StartingAsync(CancellationToken cancellationToken)
        {
            Directory.CreateDirectory(storage.Value.FullDataDirectory);
            await using var scope = services.CreateAsyncScope();
            var contexts = scope.ServiceProvider.GetRequiredService<IDbContextFactory<AccountsDbContext>>();
            await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            {
                await db.Database.MigrateAsync(cancellationToken);
                await ImportFileKeysAsync(db, cancellationToken);
            }

            if (string.IsNullOrWhiteSpace(demo.Value.Email) || string.IsNullOrEmpty(demo.Value.Password))
            {
                return;
            }

            var users = scope.ServiceProvider.GetRequiredService<UserManager<SevaUser>>();
            if (await users.FindByEmailAsync(demo.Value.Email) is not null)
            {
                return;
            }

            IdentityResult result;
            try
            {
                result = await users.CreateAsync(new SevaUser { UserName = demo.Value.Email, Email = demo.Value.Email, EmailConfirmed = true }, demo.Value.Password);
            }
            catch (DbUpdateException)
            {
                // Hosts sharing a database start together: another may have made the account between our
                // check and our insert (the database's unique index refused the second).
                if (await users.FindByEmailAsync(demo.Value.Email) is not null)
                {
                    return;
                }

                throw;
            }

            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"{DemoUserOptions.SectionName}: the demo account could not be created: {string.Join(" ", result.Errors.Select(e => e.Description))}");
            }

            logger.LogInformation("Created the demo account {Email}", demo.Value.Email);
        }

        /// <summary>Versions before the shared key store kept the Data Protection keys as files in
        /// <c>{DataDirectory}/keys</c>: moving them into an empty key table keeps signed-in users signed in.</summary>
        private async Task ImportFileKeysAsync(AccountsDbContext db, CancellationToken cancellationToken)
        {
            var folder = new DirectoryInfo(Path.Combine(storage.Value.FullDataDirectory, "keys"));
            if (!folder.Exists || await db.DataProtectionKeys.AnyAsync(cancellationToken))
            {
                return;
            }

            var files = folder.GetFiles("*.xml");
            foreach (var file in files)
            {
                db.DataProtectionKeys.Add(new DataProtectionKey
                {
                    FriendlyName = Path.GetFileNameWithoutExtension(file.Name),
                    Xml = await File.ReadAllTextAsync(file.FullName, cancellationToken),
                });
            }

            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("Moved {Count} Data Protection keys from {Folder} into the database", files.Length, folder.FullName);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
