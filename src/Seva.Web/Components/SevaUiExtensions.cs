using MudBlazor.Services;

namespace Seva.Web.Components;

public static class SevaUiExtensions
{
    /// <summary>Blazor Web App with interactive server rendering and MudBlazor.</summary>
    public static WebApplicationBuilder AddSevaUi(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Request-start log lines carry query strings, and browser WebSockets pass their key there.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        return builder;
    }

    public static WebApplication UseSevaUi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }

        // Browser modules live in their feature folders (Features/Dictation/dictation.js, ...).
        var features = Path.Combine(app.Environment.ContentRootPath, "Features");
        if (Directory.Exists(features))
        {
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(features),
                RequestPath = "/features",
                // Only the modules: nothing else in the feature folders (C#, Razor) is served.
                ContentTypeProvider = new Microsoft.AspNetCore.StaticFiles.FileExtensionContentTypeProvider(new Dictionary<string, string> { [".js"] = "text/javascript" }),
                ServeUnknownFileTypes = false,
            });
        }

        return app;
    }

    public static WebApplication MapSevaUi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
