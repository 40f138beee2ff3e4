using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Xunit;
using Seva.Actors.Storage;

namespace Seva.Actors.Tests.Properties;

public sealed partial class AudioKeyProperties
{
    [Property(MaxTest = 300)]
    public bool Create_AnyUser_FollowsTheKeyPattern(NonEmptyString userId, DateTime when, Guid id)
    {
        var key = AudioKey.Create(userId.Get, when, id);
        var match = KeyPattern().Match(key);
        return match.Success
            && match.Groups["user"].Value == AudioKey.SafeUserId(userId.Get)
            && match.Groups["stamp"].Value == when.ToString("yyyyMMdd_HHmmss", System.Globalization.CultureInfo.InvariantCulture)
            && match.Groups["id"].Value == id.ToString("D");
    }

    [Property(MaxTest = 300)]
    public bool SafeUserId_NeverEscapesItsSegment(NonEmptyString userId)
    {
        var safe = AudioKey.SafeUserId(userId.Get);
        return !safe.Contains('/', StringComparison.Ordinal) && safe != "." && safe != ".." && !safe.StartsWith('.') && safe.All(c => c < 128);
    }

    [Property(MaxTest = 300)]
    public bool SafeUserId_DifferentUsers_GetDifferentSegments(NonEmptyString a, NonEmptyString b) =>
        a.Get == b.Get || AudioKey.SafeUserId(a.Get) != AudioKey.SafeUserId(b.Get);

    [Fact]
    public void SafeUserId_Email_IsReadable() =>
        Assert.Equal("alice_40example.com", AudioKey.SafeUserId("alice@example.com"));

    [GeneratedRegex(@"^audio/(?<user>[A-Za-z0-9._-]+)/(?<stamp>\d{8}_\d{6})_(?<id>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.mp3$")]
    private static partial Regex KeyPattern();
}
