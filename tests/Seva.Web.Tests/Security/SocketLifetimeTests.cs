using System.Net.WebSockets;
using Seva.Web.Tests.Support;
using static Seva.Web.Tests.Security.SecuritySupport;

namespace Seva.Web.Tests.Security;

/// <summary>Sockets end cleanly: a client's close frame is answered, a socket that never starts is closed.</summary>
public sealed class SocketLifetimeTests() : ServerTest(new Dictionary<string, string?>
{
    ["Seva:Dictation:SessionStartTimeout"] = "00:00:01",
    ["Seva:Broadcast:CreateSessionTimeout"] = "00:00:01",
})
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task DictationClientCloseFrame_IsAnsweredWith1000()
    {
        using var socket = Socket(key: SevaServer.AliceKey);
        await socket.ConnectAsync(Server.StreamUri(), CancellationToken.None);

        // Throws (the server ended the connection without completing the handshake) if it is not answered.
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(WebSocketState.Closed, socket.State);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
    }

    [Fact]
    public async Task DictationClientCloseFrame_MidSession_IsAnsweredWith1000()
    {
        using var socket = Socket(key: SevaServer.AliceKey);
        await socket.ConnectAsync(Server.StreamUri(), CancellationToken.None);
        await StartDictationAsync(socket);
        await ReceiveUntilAsync(socket, m => (string?)m["type"] == "session_ack", TimeSpan.FromSeconds(20));

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
    }

    [Fact]
    public async Task BroadcastClientCloseFrames_FromSpeakerAndListener_AreAnsweredWith1000()
    {
        using var speaker = Socket(key: SevaServer.AliceKey);
        await speaker.ConnectAsync(BroadcastUri(Server), CancellationToken.None);
        await SendJsonAsync(speaker, new { action = "createSession", sourceLanguage = "en" });
        var created = await ReceiveUntilAsync(speaker, m => (string?)m["type"] == "sessionCreated", Timeout);

        using var listener = Socket();
        await listener.ConnectAsync(BroadcastUri(Server, $"sessionId={(string?)created["sessionId"]}&targetLanguage=es"), CancellationToken.None);
        await ReceiveUntilAsync(listener, m => (string?)m["type"] == "sessionJoined", Timeout);

        await listener.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, listener.CloseStatus);

        await speaker.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, speaker.CloseStatus);
    }

    [Fact]
    public async Task DictationSocket_WithoutSessionStartInTime_GetsSessionStartTimeout_AndIsClosed1008()
    {
        using var socket = Socket(key: SevaServer.AliceKey);
        await socket.ConnectAsync(Server.StreamUri(), CancellationToken.None);

        var error = await ReceiveJsonAsync(socket, Timeout);
        Assert.Equal("SESSION_START_TIMEOUT", (string?)error!["error_code"]);
        Assert.False((bool)error["recoverable"]!);

        Assert.Null(await ReceiveJsonAsync(socket, Timeout)); // the close frame
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
    }

    [Fact]
    public async Task DictationSocket_ThatStartedInTime_IsNotClosedByTheStartTimeout()
    {
        await using var client = await DictationClient.ConnectAsync(Server);
        await client.StartAsync();

        // Well past the 1 s start timeout, the session still takes messages and completes.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await client.EndAsync();
        await client.WaitForTypeAsync("session_complete");
        Assert.Empty(client.OfType("error"));
        await client.WaitClosedAsync(Timeout);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
    }

    [Fact]
    public async Task BroadcastSpeaker_WithoutCreateSessionInTime_GetsCreateSessionTimeout_AndIsClosed1008()
    {
        using var socket = Socket(key: SevaServer.AliceKey);
        await socket.ConnectAsync(BroadcastUri(Server), CancellationToken.None);

        var error = await ReceiveJsonAsync(socket, Timeout);
        Assert.Equal("CREATE_SESSION_TIMEOUT", (string?)error!["errorCode"]);

        Assert.Null(await ReceiveJsonAsync(socket, Timeout));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
    }
}
