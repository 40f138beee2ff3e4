using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Seva.Actors.Storage;

/// <summary>Which database keeps records and accounts (<c>Seva:Database</c>).</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Seva:Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>The provider's connection string. Empty with SQLite: <c>{DataDirectory}/seva.db</c>
    /// (or the older <c>Seva:ConnectionString</c>, still read). Required with PostgreSQL.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>How long a host's claim on its open records lasts without renewal. A record whose host
    /// stopped renewing (it crashed or lost the database) for this long is failed by whichever host
    /// notices; each host renews every third of it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>This host's name in the records it owns. Empty: made once and kept in
    /// <c>{DataDirectory}/host-id</c>, so a restarted host knows its own records at once.</summary>
    [MaxLength(128)]
    public string? HostId { get; set; }
}

public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
}

/// <summary>Reports every database setting that cannot work, with how to fix it.</summary>
public sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Provider))
        {
            failures.Add($"Seva:Database:Provider '{options.Provider}' is not known: use Sqlite (the default) or PostgreSql.");
        }

        if (options.Provider == DatabaseProvider.PostgreSql && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add("Seva:Database:ConnectionString is required with Seva:Database:Provider=PostgreSql, e.g. \"Host=db.example;Database=seva;Username=seva;Password=...\".");
        }

        if (options.HostId is { } host && host.Length > 0 && string.IsNullOrWhiteSpace(host))
        {
            failures.Add("Seva:Database:HostId must not be blank: leave it unset to have one made, or give each host its own name.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
