using System.Text.Json;

namespace Seva.Web.Tests.AwsCompat;

/// <summary>Reads what tests/aws-client/record-fixtures.mjs recorded from the real AWS SDK for JavaScript.</summary>
internal static class SdkFixtures
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "AwsCompat", "Fixtures", name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(PathOf(name));

    public static JsonElement Json(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(PathOf(name)));
        return document.RootElement.Clone();
    }
}
