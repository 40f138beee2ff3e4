using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Seva.Web.Tests.Support;

namespace Seva.Web.Tests;

public sealed class SecretsTests
{
    [Fact]
    public async Task ApiKeys_NeverReachTheLogs_EvenInTheQueryString()
    {
        var logs = new CapturingLoggerProvider();
        await using (var server = new SevaServer(
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace" },
            services => services.AddSingleton<ILoggerProvider>(logs)))
        {
            using var socket = new System.Net.WebSockets.ClientWebSocket();
            await socket.ConnectAsync(server.StreamUri(SevaServer.AliceKey), CancellationToken.None);
            await socket.SendAsync("{\"type\":\"session_start\"}"u8.ToArray(), System.Net.WebSockets.WebSocketMessageType.Text, true, CancellationToken.None);
            await Task.Delay(500);
            using var api = server.ApiClient(SevaServer.BobKey);
            await api.GetAsync("/api/v1/transcriptions");
        }

        var lines = logs.Lines;
        Assert.NotEmpty(lines);
        Assert.DoesNotContain(lines, l => l.Contains(SevaServer.AliceKey, StringComparison.Ordinal) || l.Contains(SevaServer.BobKey, StringComparison.Ordinal));
    }
}
