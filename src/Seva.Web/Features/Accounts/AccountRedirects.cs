using Microsoft.AspNetCore.Components;

namespace Seva.Web.Features.Accounts;

/// <summary>Redirects for the static account pages, refusing open redirects to other sites.</summary>
internal sealed class AccountRedirects(NavigationManager navigation)
{
    public void RedirectTo(string? uri)
    {
        uri ??= string.Empty;
        if (!Uri.IsWellFormedUriString(uri, UriKind.Relative) || uri.StartsWith("//", StringComparison.Ordinal))
        {
            uri = navigation.ToBaseRelativePath(uri);
        }

        navigation.NavigateTo(uri);
    }
}
