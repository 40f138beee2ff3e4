using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

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
}
