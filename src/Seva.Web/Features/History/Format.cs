using System.Globalization;
using MudBlazor;
using Seva.Actors.Storage;

namespace Seva.Web.Features.History;

/// <summary>How records read on the pages.</summary>
public static class Format
{
    public static string Duration(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Round(seconds));
        return t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);
    }

    public static string Excerpt(string text, int length = 80) =>
        string.IsNullOrEmpty(text) ? "—" : text.Length <= length ? text : text[..length].TrimEnd() + "…";

    public static Color StatusColor(string status) => status switch
    {
        TranscriptionStatus.Completed => Color.Success,
        TranscriptionStatus.Failed => Color.Error,
        _ => Color.Info,
    };
}
