using System.ComponentModel.DataAnnotations;

namespace Seva.Actors.Hosting;

public sealed class ShutdownOptions
{
    public const string SectionName = "Seva";

    /// <summary>How long a stop (SIGTERM) may take: open sessions are ended and saved within it, then the
    /// host stops. Also the host's own <c>HostOptions.ShutdownTimeout</c>, so nothing waits longer.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Seva:ShutdownTimeout must be between 00:00:01 and 00:10:00 (hh:mm:ss).")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
