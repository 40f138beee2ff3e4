using Microsoft.AspNetCore.Identity;

namespace Seva.Web.Features.Accounts;

/// <summary>A Seva account. Its <see cref="IdentityUser.Id"/> is the user id on every record and audio key.</summary>
public sealed class SevaUser : IdentityUser
{
    /// <summary>Finals are written as notes are (spoken punctuation, commands, numbers); off: as recognised.</summary>
    public bool FormatTranscripts { get; set; } = true;

    /// <summary>What a bare "degrees" after a number means: Words (angles), Fahrenheit or Celsius.</summary>
    public string DegreesMeaning { get; set; } = nameof(Seva.Actors.Formatting.DegreesMeaning.Words);
}
