namespace Seva.Web.Features.Dictation;

/// <summary>Where a page's microphone capture has got to. dictation.js resends a chunk whose call to
/// .NET failed or hung (the circuit dropped), so a chunk that had arrived anyway comes twice; this
/// keeps only the bytes not taken yet.</summary>
internal sealed class CaptureOffset
{
    public long Taken { get; private set; }

    /// <summary>The part of the chunk at <paramref name="offset"/> not taken before (empty if none);
    /// <paramref name="skipped"/> is set when bytes before it never came (the browser lost them).</summary>
    public ReadOnlyMemory<byte> Take(byte[] chunk, long offset, out long skipped)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        skipped = Math.Max(0, offset - Taken);
        var end = offset + chunk.Length;
        if (end <= Taken)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        var fresh = chunk.AsMemory((int)Math.Max(0, Taken - offset));
        Taken = end;
        return fresh;
    }

    public void Reset() => Taken = 0;
}
