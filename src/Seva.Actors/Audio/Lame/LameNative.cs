using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Seva.Actors.Audio.Lame;

/// <summary>P/Invoke declarations for Debian's libmp3lame0.</summary>
internal static partial class LameNative
{
    internal const string Library = "libmp3lame.so.0";
    internal const int ModeMono = 3;
    internal const int VbrOff = 0;

    [LibraryImport(Library, EntryPoint = "lame_init")]
    internal static partial LameHandle lame_init();

    [LibraryImport(Library, EntryPoint = "lame_close")]
    internal static partial int lame_close(nint handle);

    [LibraryImport(Library, EntryPoint = "lame_set_num_channels")]
    internal static partial int lame_set_num_channels(LameHandle handle, int channels);

    [LibraryImport(Library, EntryPoint = "lame_set_in_samplerate")]
    internal static partial int lame_set_in_samplerate(LameHandle handle, int rate);

    [LibraryImport(Library, EntryPoint = "lame_set_out_samplerate")]
    internal static partial int lame_set_out_samplerate(LameHandle handle, int rate);

    [LibraryImport(Library, EntryPoint = "lame_set_brate")]
    internal static partial int lame_set_brate(LameHandle handle, int kbps);

    [LibraryImport(Library, EntryPoint = "lame_set_mode")]
    internal static partial int lame_set_mode(LameHandle handle, int mode);

    [LibraryImport(Library, EntryPoint = "lame_set_VBR")]
    internal static partial int lame_set_VBR(LameHandle handle, int mode);

    [LibraryImport(Library, EntryPoint = "lame_set_quality")]
    internal static partial int lame_set_quality(LameHandle handle, int quality);

    [LibraryImport(Library, EntryPoint = "lame_set_bWriteVbrTag")]
    internal static partial int lame_set_bWriteVbrTag(LameHandle handle, int write);

    [LibraryImport(Library, EntryPoint = "lame_init_params")]
    internal static partial int lame_init_params(LameHandle handle);

    [LibraryImport(Library, EntryPoint = "lame_encode_buffer")]
    internal static unsafe partial int lame_encode_buffer(LameHandle handle, short* left, short* right, int samples, byte* output, int outputSize);

    [LibraryImport(Library, EntryPoint = "lame_encode_flush")]
    internal static unsafe partial int lame_encode_flush(LameHandle handle, byte* output, int outputSize);
}

/// <summary>Owns one <c>lame_global_flags</c>.</summary>
internal sealed class LameHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public LameHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle() => LameNative.lame_close(handle) == 0;
}
