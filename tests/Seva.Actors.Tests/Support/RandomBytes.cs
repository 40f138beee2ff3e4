namespace Seva.Actors.Tests.Support;

/// <summary>Stand-in recordings: bytes that differ everywhere, so a lost or moved byte shows.</summary>
public static class RandomBytes
{
    public static byte[] Of(int count, int seed = 1)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
