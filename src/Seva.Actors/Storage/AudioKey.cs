using System.Globalization;
using System.Text;

namespace Seva.Actors.Storage;

/// <summary>Storage keys for recordings: <c>{prefix}{user_id}/{YYYYMMDD_HHMMSS}_{uuid}.mp3</c>, the prefix
/// <c>audio/</c> unless the store is configured otherwise.</summary>
public static class AudioKey
{
    /// <summary>The prefix of every key written before prefixes could be configured; files keep it, so the
    /// keys records already hold stay valid.</summary>
    public const string DefaultPrefix = "audio/";

    public static string Create(string userId, DateTime utc, Guid id) => Create(DefaultPrefix, userId, utc, id);

    public static string Create(string prefix, string userId, DateTime utc, Guid id) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}{SafeUserId(userId)}/{utc:yyyyMMdd_HHmmss}_{id:D}.mp3");

    /// <summary>The key of the rest of a recording that could not be continued in its own object (after a
    /// move): <c>{prefix}{user_id}/{YYYYMMDD_HHMMSS}_{uuid}_{random}.mp3</c>. Never the key the recording began
    /// under, even within the same second, since what another host left of that one may still be uploaded
    /// there.</summary>
    public static string Continuation(string prefix, string userId, DateTime utc, Guid id) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}{SafeUserId(userId)}/{utc:yyyyMMdd_HHmmss}_{id:D}_{Guid.NewGuid():N}.mp3");

    /// <summary>Makes a user id safe as one key segment, reversibly: letters, digits, '.' and '-' stay;
    /// every other byte of its UTF-8 becomes <c>_XX</c> (hex), and a leading '.' is escaped too, so no id
    /// can become "." or "..", contain '/', or collide with another id.</summary>
    public static string SafeUserId(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var builder = new StringBuilder(userId.Length);
        var bytes = Encoding.UTF8.GetBytes(userId);
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            var keep = (b is >= (byte)'a' and <= (byte)'z') || (b is >= (byte)'A' and <= (byte)'Z') ||
                       (b is >= (byte)'0' and <= (byte)'9') || b == '-' || (b == '.' && i > 0);
            if (keep)
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('_').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
