using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Seva.Web.Tests.Support;

namespace Seva.Web.Tests.AwsCompat;

/// <summary>A real Seva with the Transcribe-compatible endpoint on: plaintext HTTP/2 on a port of its own, and
/// a configured key pair for alice (whose API key reads her history), shared by a test class.</summary>
public sealed class AwsCompatServer : IAsyncLifetime
{
    public const string AccessKeyId = "AKIASEVATEST00000001";
    public const string SecretAccessKey = "sevaTestSecret/0123456789+abcdefghij";

    /// <summary>flite's sentence, spoken once for the class (16 kHz).</summary>
    public const string Sentence = "the patient reports chest pain since yesterday";

    private readonly Lazy<short[]> _speech = new(() => Speech.Concat(Speech.Say(Sentence), Speech.Silence(0.5, 16000)));

    public SevaServer Server { get; private set; } = null!;

    public Uri Http2Url { get; private set; } = null!;

    public short[] SpokenSentence => _speech.Value;

    public Task InitializeAsync()
    {
        Http2Url = new Uri($"http://127.0.0.1:{FreePort()}");
        Server = new SevaServer(new Dictionary<string, string?>
        {
            ["Seva:AwsCompat:Http2Url"] = Http2Url.ToString(),
            ["Seva:AwsCompat:Credentials:0:AccessKeyId"] = AccessKeyId,
            ["Seva:AwsCompat:Credentials:0:SecretAccessKey"] = SecretAccessKey,
            ["Seva:AwsCompat:Credentials:0:UserId"] = "alice@example.com", // SevaServer lifts the overload guard
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A scenario for tests/aws-client/transcribe.mjs, as alice over HTTP/2, at speaking pace (a burst would make decoding lag, and the overload guard refuse the next session).</summary>
    public Dictionary<string, object?> Scenario(params (string Key, object? Value)[] changes)
    {
        var scenario = new Dictionary<string, object?>
        {
            ["endpoint"] = Http2Url.ToString().TrimEnd('/'),
            ["transport"] = "http2",
            ["operation"] = "standard",
            ["credentials"] = new { accessKeyId = AccessKeyId, secretAccessKey = SecretAccessKey },
            ["sampleRate"] = 16000,
            ["pace"] = 1,
        };
        foreach (var (key, value) in changes)
        {
            scenario[key] = value;
        }

        return scenario;
    }

    /// <summary>alice's records, newest first (the REST API).</summary>
    public async Task<List<JsonElement>> RecordsAsync()
    {
        using var api = Server.ApiClient(SevaServer.AliceKey);
        var page = await api.GetFromJsonAsync<JsonElement>("/api/v1/transcriptions?page_size=100");
        return [.. page.GetProperty("items").EnumerateArray()];
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
