using Seva.Actors.Audio;
using Seva.Web.Tests.Support;
using static Seva.Web.Tests.BroadcastApiTests;

namespace Seva.Web.Tests;

/// <summary>The broadcast limits come from Seva:Broadcast settings: lower ones take effect.</summary>
public sealed class BroadcastLimitsTests() : ServerTest(new Dictionary<string, string?>
{
    ["Seva:Broadcast:ControlMessagesPerSecond"] = "2",
    ["Seva:Broadcast:MaxAudioChunkBytes"] = "4096",
})
{
    [Fact]
    public async Task Controls_OverTheConfiguredTwoASecond_Get429_SayingTheLimit()
    {
        await using var speaker = await Peer.ConnectAsync(BroadcastUri(), SevaServer.AliceKey);
        await speaker.SendAsync(new { action = "createSession" });
        await speaker.WaitForAsync(m => (string?)m["type"] == "sessionCreated");
        // Twenty in a row: a loaded machine may spread a few sends over more than a second, not twenty.
        for (var i = 0; i < 20; i++)
        {
            await speaker.SendAsync(new { action = i % 2 == 0 ? "muteBroadcast" : "unmuteBroadcast" });
        }

        var limited = await speaker.WaitForAsync(m => (string?)m["type"] == "error" && (int)m["code"]! == 429);
        Assert.Equal("At most 2 control messages a second.", (string?)limited["message"]);
    }

    [Fact]
    public async Task AudioChunk_OverTheConfiguredSize_Gets413()
    {
        await using var speaker = await Peer.ConnectAsync(BroadcastUri(), SevaServer.AliceKey);
        await speaker.SendAsync(new { action = "createSession" });
        await speaker.WaitForAsync(m => (string?)m["type"] == "sessionCreated");

        await speaker.SendBinaryAsync(AudioFrame.Build(new short[2000])); // 4001 bytes: under the limit
        await speaker.SendBinaryAsync(AudioFrame.Build(new short[2100])); // 4201 bytes: over it
        var tooLarge = await speaker.WaitForAsync(m => (string?)m["type"] == "error" && (int)m["code"]! == 413);
        Assert.Contains("at most 4096 bytes", (string?)tooLarge["message"], StringComparison.Ordinal);
        await speaker.SendAsync(new { action = "getSessionStatus" });
        await speaker.WaitForAsync(m => (string?)m["type"] == "sessionStatus");
        Assert.Single(speaker.Messages, m => (string?)m["type"] == "error");
    }

    private Uri BroadcastUri() =>
        new UriBuilder(Server.BaseAddress) { Scheme = "ws", Path = "/api/v1/broadcast/ws" }.Uri;
}
