using Seva.Actors.Formatting;

namespace Seva.Actors.Tests.Formatting;

internal static class Dictated
{
    /// <summary>A final dictated with formatting on, after <paramref name="previousFinals"/>.</summary>
    public static FormattedUtterance Format(string raw, params string[] previousFinals) =>
        TranscriptFormatter.Format(raw, new FormattingContext(previousFinals), FormattingOptions.Dictation);
}
