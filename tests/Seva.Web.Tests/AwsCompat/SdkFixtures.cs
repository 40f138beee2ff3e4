using System.Text.Json;

namespace Seva.Web.Tests.AwsCompat;

/// <summary>Reads what tests/aws-client/record-fixtures.mjs recorded from the real AWS SDK for JavaScript.</summary>
internal static class SdkFixtures
{
    /// <summary>StartStreamTranscription over HTTP/2: headers as received, the body in sdk-http2-stream.bin.</summary>
    public static JsonElement Http2Stream { get; } = Json("sdk-http2-stream.json");

    /// <summary>The WebSocket call: <c>browser</c> (unsigned frames) and <c>nodeSigned</c> recordings.</summary>
    public static JsonElement WebSocket { get; } = Json("sdk-websocket.json");

    public static List<byte[]> AudioChunks(JsonElement recording) => Base64List(recording, "audioChunks");

    public static List<byte[]> Frames(JsonElement recording) => Base64List(recording, "frames");

    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "AwsCompat", "Fixtures", name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(PathOf(name));

    public static JsonElement Json(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(PathOf(name)));
        return document.RootElement.Clone();
    }

    private static List<byte[]> Base64List(JsonElement recording, string property) =>
        recording.GetProperty(property).EnumerateArray().Select(c => Convert.FromBase64String(c.GetString()!)).ToList();
}
