using System.Text.RegularExpressions;

namespace Seva.Actors.Broadcast;

/// <summary>Readable broadcast ids a speaker can say aloud: adjective-noun-number (<c>golden-eagle-427</c>).</summary>
public static partial class BroadcastIds
{
    private static readonly string[] Adjectives =
    [
        "amber", "bold", "brave", "bright", "calm", "clever", "cosmic", "crimson", "daring", "eager", "gentle", "golden",
        "happy", "humble", "jolly", "keen", "lively", "lucky", "mellow", "misty", "noble", "proud", "quiet", "rapid",
        "royal", "silent", "silver", "sunny", "swift", "tidy", "vivid", "warm", "wise", "young", "zesty", "azure",
    ];

    private static readonly string[] Nouns =
    [
        "badger", "bear", "canyon", "cedar", "comet", "crane", "dolphin", "eagle", "falcon", "forest", "fox", "harbor",
        "hawk", "heron", "island", "lake", "lion", "maple", "meadow", "moon", "otter", "owl", "panda", "pine",
        "river", "robin", "sparrow", "star", "tiger", "valley", "whale", "willow", "wolf", "lotus", "summit", "breeze",
    ];

    /// <summary>Picks an id that <paramref name="isTaken"/> does not know (ids of live broadcasts).</summary>
    public static string Next(Func<string, bool> isTaken, Random random)
    {
        ArgumentNullException.ThrowIfNull(isTaken);
        ArgumentNullException.ThrowIfNull(random);
        for (var attempt = 0; attempt < 10_000; attempt++)
        {
            var id = $"{Adjectives[random.Next(Adjectives.Length)]}-{Nouns[random.Next(Nouns.Length)]}-{random.Next(100, 1000)}";
            if (!isTaken(id))
            {
                return id;
            }
        }

        throw new InvalidOperationException("No free broadcast id: too many live broadcasts.");
    }

    public static bool IsWellFormed(string id) => Pattern().IsMatch(id ?? string.Empty);

    [GeneratedRegex("^[a-z]+-[a-z]+-[1-9][0-9]{2}$")]
    private static partial Regex Pattern();
}
