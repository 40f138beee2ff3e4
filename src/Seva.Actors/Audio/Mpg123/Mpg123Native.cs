using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Seva.Actors.Audio.Mpg123;

/// <summary>P/Invoke declarations for Debian's libmpg123-0 (feed API: decoding from memory).</summary>
internal static partial class Mpg123Native
{
    internal const string Library = "libmpg123.so.0";
    internal const int Ok = 0;
    internal const int Done = -12;
    internal const int NewFormat = -11;
    internal const int NeedMore = -10;
    internal const int Mono = 1;
    internal const int Stereo = 2;
    internal const int EncodingSigned16 = 0xD0;

    [LibraryImport(Library, EntryPoint = "mpg123_init")]
    internal static partial int mpg123_init();

    [LibraryImport(Library, EntryPoint = "mpg123_new")]
    internal static partial Mpg123Handle mpg123_new(nint decoder, out int error);

    [LibraryImport(Library, EntryPoint = "mpg123_delete")]
    internal static partial void mpg123_delete(nint handle);

    [LibraryImport(Library, EntryPoint = "mpg123_open_feed")]
    internal static partial int mpg123_open_feed(Mpg123Handle handle);

    [LibraryImport(Library, EntryPoint = "mpg123_feed")]
    internal static unsafe partial int mpg123_feed(Mpg123Handle handle, byte* input, nuint size);

    [LibraryImport(Library, EntryPoint = "mpg123_read")]
    internal static unsafe partial int mpg123_read(Mpg123Handle handle, byte* output, nuint size, out nuint done);

    [LibraryImport(Library, EntryPoint = "mpg123_getformat")]
    internal static partial int mpg123_getformat(Mpg123Handle handle, out nint rate, out int channels, out int encoding);

    [LibraryImport(Library, EntryPoint = "mpg123_format_none")]
    internal static partial int mpg123_format_none(Mpg123Handle handle);

    [LibraryImport(Library, EntryPoint = "mpg123_format")]
    internal static partial int mpg123_format(Mpg123Handle handle, nint rate, int channels, int encodings);

    [LibraryImport(Library, EntryPoint = "mpg123_strerror")]
    internal static partial nint mpg123_strerror(Mpg123Handle handle);
}

/// <summary>Owns one <c>mpg123_handle</c>.</summary>
internal sealed class Mpg123Handle : SafeHandleZeroOrMinusOneIsInvalid
{
    public Mpg123Handle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        Mpg123Native.mpg123_delete(handle);
        return true;
    }
}
