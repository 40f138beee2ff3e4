using System.Globalization;
using Microsoft.Extensions.Options;

namespace Seva.Actors.Storage;

/// <summary>Which host this process is in the records it owns, and how long its claim on them lasts.</summary>
/// <remarks>Several hosts share one database: each may only fail the open records of a host that stopped
/// renewing its lease (crashed), never those of a host still running sessions.</remarks>
public sealed record RecordLease(string HostId, TimeSpan Duration)
{
    public const string HostIdFile = "host-id";

    /// <summary>The host of a record whose session is moving to another host: no host renews it, so it
    /// fails when its lease runs out unless the host the session goes on on claims it first.</summary>
    public const string Released = "(released)";

    /// <summary>How often a running host renews its claim: three renewals fit in one lease, so one
    /// missed renewal (a slow database) does not lose it.</summary>
    public TimeSpan RenewEvery => Duration / 3;

    /// <summary>The configured host id, or the one this data directory was given on its first start.</summary>
    public static RecordLease From(IOptions<DatabaseOptions> database, IOptions<StorageOptions> storage)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(storage);
        if (!string.IsNullOrWhiteSpace(database.Value.HostId))
        {
            return new RecordLease(database.Value.HostId.Trim(), database.Value.Lease);
        }

        var file = Path.Combine(storage.Value.FullDataDirectory, HostIdFile);
        if (File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } kept)
        {
            return new RecordLease(kept, database.Value.Lease);
        }

        // Machine name for people reading the records; the random part keeps two hosts on one machine
        // (different data directories) apart.
        var made = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(storage.Value.FullDataDirectory);
        File.WriteAllText(file, made);
        return new RecordLease(made, database.Value.Lease);
    }
}
