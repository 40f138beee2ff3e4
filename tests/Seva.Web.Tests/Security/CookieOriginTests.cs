using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Seva.Web.Tests.Support;
using static Seva.Web.Tests.Security.SecuritySupport;

namespace Seva.Web.Tests.Security;

/// <summary>Cross-site WebSocket hijacking and cross-origin DELETE: the sign-in cookie only acts from
/// Seva's own origin (or one configured in Seva:AllowedOrigins); API keys need no Origin.</summary>
public sealed class CookieOriginTests() : ServerTest(DemoUser())
{
    [Fact]
    public async Task DictationUpgrade_WithTheCookieFromAnotherOrigin_Is403BeforeTheUpgrade()
    {
        var cookies = await SignInAsync(Server);
        using var socket = Socket(cookies, ForeignOrigin);

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(Server.StreamUri(), CancellationToken.None));

        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
    }

    [Fact]
    public async Task DictationUpgrade_WithTheCookieFromSevasOwnOrigin_StartsASession()
    {
        var cookies = await SignInAsync(Server);
        using var socket = Socket(cookies, Browser.Origin(Server));
        await socket.ConnectAsync(Server.StreamUri(), CancellationToken.None);

        await StartDictationAsync(socket);

        var ack = await ReceiveUntilAsync(socket, m => (string?)m["type"] is "session_ack" or "error", TimeSpan.FromSeconds(20));
        Assert.Equal("session_ack", (string?)ack["type"]);
    }

    [Fact]
    public async Task DictationUpgrade_WithAnApiKey_IsAcceptedWhateverTheOrigin()
    {
        using var socket = Socket(origin: ForeignOrigin, key: SevaServer.AliceKey);
        await socket.ConnectAsync(Server.StreamUri(), CancellationToken.None);

        await StartDictationAsync(socket);

        var ack = await ReceiveUntilAsync(socket, m => (string?)m["type"] is "session_ack" or "error", TimeSpan.FromSeconds(20));
        Assert.Equal("session_ack", (string?)ack["type"]);
    }

    [Fact]
    public async Task DictationUpgrade_PairingAKeyWithTheUsersCookieFromAnotherOrigin_ActsAsTheKeysUser()
    {
        // A page elsewhere may hold its own key; it must not borrow the signed-in user's identity.
        var cookies = await SignInAsync(Server);
        using var socket = Socket(cookies, ForeignOrigin);
        var uri = Server.StreamUri(SevaServer.BobKey);
        await socket.ConnectAsync(uri, CancellationToken.None);
        await StartDictationAsync(socket);
        var ack = await ReceiveUntilAsync(socket, m => (string?)m["type"] == "session_ack", TimeSpan.FromSeconds(20));

        using var bob = Server.ApiClient(SevaServer.BobKey);
        var record = (await bob.GetFromJsonAsync<JsonObject>($"/api/v1/transcriptions/{(string?)ack["job_id"]}"))!;
        Assert.Equal("bob", (string?)record["user_id"]);
    }

    [Fact]
    public async Task BroadcastSpeakerUpgrade_WithTheCookieFromAnotherOrigin_Is403_ButListenersJoinFromAnywhere()
    {
        var cookies = await SignInAsync(Server);
        using (var speaker = Socket(cookies, ForeignOrigin))
        {
            await Assert.ThrowsAsync<WebSocketException>(() => speaker.ConnectAsync(BroadcastUri(Server), CancellationToken.None));
            Assert.Equal(HttpStatusCode.Forbidden, speaker.HttpStatusCode);
        }

        using (var own = Socket(cookies, Browser.Origin(Server)))
        {
            await own.ConnectAsync(BroadcastUri(Server), CancellationToken.None);
            await SendJsonAsync(own, new { action = "createSession", sourceLanguage = "en" });
            var created = await ReceiveUntilAsync(own, m => (string?)m["type"] is "sessionCreated" or "error", TimeSpan.FromSeconds(10));
            Assert.Equal("sessionCreated", (string?)created["type"]);

            // A listener's link may be opened from any page: the cookie gives a listener nothing.
            using var listener = Socket(cookies, ForeignOrigin);
            await listener.ConnectAsync(BroadcastUri(Server, $"sessionId={(string?)created["sessionId"]}&targetLanguage=es"), CancellationToken.None);
            var joined = await ReceiveUntilAsync(listener, m => (string?)m["type"] is "sessionJoined" or "error", TimeSpan.FromSeconds(10));
            Assert.Equal("sessionJoined", (string?)joined["type"]);
        }
    }

    [Fact]
    public async Task CookieDelete_FromAnotherOrigin_Is403AndKeepsTheRecord_FromSevasOwnOrigin_Deletes()
    {
        var cookies = await SignInAsync(Server);
        string id;
        using (var socket = Socket(cookies, Browser.Origin(Server)))
        {
            await socket.ConnectAsync(Server.StreamUri(), CancellationToken.None);
            await StartDictationAsync(socket);
            id = (string)(await ReceiveUntilAsync(socket, m => (string?)m["type"] == "session_ack", TimeSpan.FromSeconds(20)))["job_id"]!;
            await SendJsonAsync(socket, new { type = "session_end" });
            await ReceiveUntilAsync(socket, m => (string?)m["type"] == "session_complete", TimeSpan.FromSeconds(20));
        }

        using var browser = Browser.Create(Server, cookies);
        using var foreign = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/transcriptions/{id}");
        foreign.Headers.Add("Origin", ForeignOrigin);
        using var refused = await browser.SendAsync(foreign);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("origin_not_allowed", (string?)(await refused.Content.ReadFromJsonAsync<JsonObject>())!["error"]);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/api/v1/transcriptions/{id}")).StatusCode);

        using var own = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/transcriptions/{id}");
        own.Headers.Add("Origin", Browser.Origin(Server));
        using var deleted = await browser.SendAsync(own);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }
}

public sealed class AllowedOriginsTests
{
    [Fact]
    public async Task CookieUpgrade_FromAConfiguredOrigin_IsAccepted()
    {
        await using var server = new SevaServer(DemoUser(("Seva:AllowedOrigins:0", "https://intranet.example.org")));
        var cookies = await SignInAsync(server);
        using var socket = Socket(cookies, "https://intranet.example.org");

        await socket.ConnectAsync(server.StreamUri(), CancellationToken.None);

        Assert.Equal(WebSocketState.Open, socket.State);
    }

    [Theory]
    [InlineData("https://intranet.example.org/app")]
    [InlineData("intranet.example.org")]
    [InlineData("ftp://intranet.example.org")]
    public void AnAllowedOriginThatIsNotAnOrigin_FailsValidation_NamingTheSetting(string origin)
    {
        var options = new Seva.Web.Features.Security.AllowedOriginsOptions();
        options.AllowedOrigins.Add("https://ok.example.org:8443");
        options.AllowedOrigins.Add(origin);

        var result = new Seva.Web.Features.Security.AllowedOriginsOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Seva:AllowedOrigins:1", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("Seva:AllowedOrigins:0", result.FailureMessage, StringComparison.Ordinal);
    }
}
