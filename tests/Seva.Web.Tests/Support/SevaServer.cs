using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Seva.Web.Tests.Support;

/// <summary>The real app on Kestrel at a free loopback port, with its own data directory.</summary>
public sealed class SevaServer : WebApplicationFactory<Program>
{
    public const string AliceKey = "alice-key-0123456789abcdef";
    public const string BobKey = "bob-key-0123456789abcdef00";
    public const string MetricsKey = "metrics-admin-key-0123456789";

    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    public SevaServer(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "seva-tests-" + Guid.NewGuid().ToString("N"));
        _settings = new Dictionary<string, string?>
        {
            ["Seva:DataDirectory"] = DataDirectory,
            ["Seva:ApiKeys:0:Key"] = AliceKey,
            ["Seva:ApiKeys:0:UserId"] = "alice@example.com",
            ["Seva:ApiKeys:1:Key"] = BobKey,
            ["Seva:ApiKeys:1:UserId"] = "bob",
            ["Seva:Metrics:AdminKey"] = MetricsKey,
            // The suite's test classes dictate at once on two cores: the overload guard (pinned by
            // SpeechMetricsTests with its own threshold) would refuse sessions of tests about other things.
            ["Seva:Dictation:OverloadQueueDelay"] = "00:01:00",
            ["Seva:Speech:PocketSphinx:IdleDecoders"] = "1",
            ["Seva:Speech:PocketSphinx:WarmDecoders"] = "1",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        _services = services;
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First());
    }

    public string DataDirectory { get; }

    public Uri BaseAddress { get; }

    public Uri StreamUri(string? accessToken = null)
    {
        var builder = new UriBuilder(BaseAddress) { Scheme = "ws", Path = "/api/v1/dictation/stream" };
        if (accessToken is not null)
        {
            builder.Query = "access_token=" + Uri.EscapeDataString(accessToken);
        }

        return builder.Uri;
    }

    public HttpClient ApiClient(string key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_services is not null)
        {
            builder.ConfigureServices(_services);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
