using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seva.Web.Tests.Support;

namespace Seva.Web.Tests.Security;

/// <summary>A signed-in demo user and raw WebSockets with the headers a browser would send.</summary>
internal static class SecuritySupport
{
    public const string Email = "demo@example.com";
    public const string Password = "Demo-pass-123";

    /// <summary>A page on another port of the same host: the attack the issue saw.</summary>
    public const string ForeignOrigin = "http://127.0.0.1:1";

    public static Dictionary<string, string?> DemoUser(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?> { ["Seva:DemoUser:Email"] = Email, ["Seva:DemoUser:Password"] = Password };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    public static async Task<CookieContainer> SignInAsync(SevaServer server)
    {
        var cookies = new CookieContainer();
        using var browser = Browser.Create(server, cookies);
        using var response = await Browser.SignInAsync(browser, Email, Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return cookies;
    }

    /// <summary>A WebSocket opened with the cookie (or key) and <paramref name="origin"/>, as a page would.</summary>
    public static ClientWebSocket Socket(CookieContainer? cookies = null, string? origin = null, string? key = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.Cookies = cookies;
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        if (key is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + key);
        }

        return socket;
    }

    public static Uri BroadcastUri(SevaServer server, string? query = null) =>
        new UriBuilder(server.BaseAddress) { Scheme = "ws", Path = "/api/v1/broadcast/ws", Query = query ?? string.Empty }.Uri;

    public static Task SendJsonAsync(WebSocket socket, object message) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, CancellationToken.None);

    public static Task StartDictationAsync(WebSocket socket) => SendJsonAsync(socket, new Dictionary<string, object?>
    {
        ["type"] = "session_start",
        ["quality"] = "medium",
        ["language"] = "en-US",
    });

    /// <summary>The next text message, or null when the server closed the socket.</summary>
    public static async Task<JsonObject?> ReceiveJsonAsync(WebSocket socket, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var length = 0;
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), cancel.Token);
                length += result.Count;
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            if (result.MessageType == WebSocketMessageType.Text)
            {
                return JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, length))!.AsObject();
            }
        }
    }

    /// <summary>Reads until a message matches; fails if the socket closes first.</summary>
    public static async Task<JsonObject> ReceiveUntilAsync(WebSocket socket, Func<JsonObject, bool> predicate, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var message = await ReceiveJsonAsync(socket, deadline - DateTime.UtcNow)
                ?? throw new InvalidOperationException($"The server closed the socket ({socket.CloseStatus}) before the expected message.");
            if (predicate(message))
            {
                return message;
            }
        }
    }
}
