using Microsoft.EntityFrameworkCore;
using Seva.Actors.Formatting;

namespace Seva.Web.Features.Accounts;

/// <summary>How a user wants dictations written, from their account; users that only exist as configured
/// API keys (no account) get the defaults.</summary>
public sealed class DictationPreferences(IDbContextFactory<AccountsDbContext> contexts)
{
    public async Task<FormattingOptions> GetAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsNoTracking()
            .Where(u => u.Id == userId)
            .Select(u => new { u.FormatTranscripts, u.DegreesMeaning })
            .SingleOrDefaultAsync(cancellationToken);
        return user is null
            ? FormattingOptions.Dictation
            : new FormattingOptions(user.FormatTranscripts ? FormattingMode.Dictation : FormattingMode.Off, ParseDegrees(user.DegreesMeaning));
    }

    public async Task SaveAsync(string userId, FormattingOptions preference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(preference);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(
            s => s.SetProperty(u => u.FormatTranscripts, preference.Mode != FormattingMode.Off)
                .SetProperty(u => u.DegreesMeaning, preference.Degrees.ToString()),
            cancellationToken);
    }

    private static DegreesMeaning ParseDegrees(string value) =>
        Enum.TryParse<DegreesMeaning>(value, out var degrees) ? degrees : DegreesMeaning.Words;
}
