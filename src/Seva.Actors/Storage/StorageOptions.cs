using System.ComponentModel.DataAnnotations;

namespace Seva.Actors.Storage;

public sealed class StorageOptions
{
    public const string SectionName = "Seva";

    /// <summary>Where the SQLite database and the audio files live; relative paths are under the working directory.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>Database connection string; empty means SQLite at <c>{DataDirectory}/seva.db</c>.</summary>
    public string? ConnectionString { get; set; }

    public string FullDataDirectory => Path.GetFullPath(DataDirectory);

    public string SqliteConnectionString => string.IsNullOrWhiteSpace(ConnectionString)
        ? $"Data Source={Path.Combine(FullDataDirectory, "seva.db")}"
        : ConnectionString;
}
