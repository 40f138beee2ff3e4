using Seva.Web.Features.Dictation;

namespace Seva.Web.Tests.Components;

public sealed class CaptureOffsetTests
{
    [Fact]
    public void AChunkResentAfterADrop_IsTakenOnce_AndAnOverlapKeepsOnlyTheNewBytes()
    {
        var capture = new CaptureOffset();
        Assert.Equal(4, capture.Take([1, 2, 3, 4], 0, out _).Length);
        Assert.True(capture.Take([1, 2, 3, 4], 0, out _).IsEmpty); // the same chunk again
        Assert.Equal(new byte[] { 5, 6 }, capture.Take([3, 4, 5, 6], 2, out var skipped).ToArray());
        Assert.Equal(0, skipped);
        Assert.Equal(6, capture.Taken);
    }

    [Fact]
    public void AChunkAfterAGap_IsTaken_AndTheGapIsReported()
    {
        var capture = new CaptureOffset();
        capture.Take([1, 2], 0, out _);
        Assert.Equal(2, capture.Take([9, 9], 10, out var skipped).Length);
        Assert.Equal(8, skipped);
    }
}
