using System.ComponentModel.DataAnnotations;

namespace Seva.Actors.Translation;

public sealed class ApertiumOptions
{
    public const string SectionName = "Seva:Translation:Apertium";

    /// <summary>Where the installed pairs' mode files are (Debian: apertium-* packages).</summary>
    [Required]
    public string ModesDirectory { get; set; } = "/usr/share/apertium/modes";
}
