using Microsoft.Win32.SafeHandles;

namespace Seva.Actors.Speech.PocketSphinx;

/// <summary>Owns one <c>ps_decoder_t</c>; freeing it releases the decoder and its reference on the config.</summary>
internal sealed class DecoderHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public DecoderHandle()
        : base(ownsHandle: true)
    {
    }

    internal DecoderHandle(nint handle)
        : base(ownsHandle: true) => SetHandle(handle);

    protected override bool ReleaseHandle()
    {
        _ = PocketSphinxNative.ps_free(handle);
        return true;
    }
}

/// <summary>Owns one <c>cmd_ln_t</c> and the unmanaged argv strings it points into.</summary>
/// <remarks><c>cmd_ln_parse_r</c> keeps pointers to the option-name strings it is given, so they must
/// live exactly as long as the config: this handle frees both together.</remarks>
internal sealed class ConfigHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private readonly nint[] _strings;
    private readonly nint _argv;

    private ConfigHandle(nint config, nint[] strings, nint argv)
        : base(ownsHandle: true)
    {
        SetHandle(config);
        _strings = strings;
        _argv = argv;
    }

    public static ConfigHandle Parse(IReadOnlyList<string> arguments)
    {
        var strings = new nint[arguments.Count];
        nint argv = 0;
        try
        {
            for (var i = 0; i < arguments.Count; i++)
            {
                strings[i] = System.Runtime.InteropServices.Marshal.StringToCoTaskMemUTF8(arguments[i]);
            }

            argv = System.Runtime.InteropServices.Marshal.AllocCoTaskMem(nint.Size * Math.Max(1, arguments.Count));
            for (var i = 0; i < arguments.Count; i++)
            {
                System.Runtime.InteropServices.Marshal.WriteIntPtr(argv, i * nint.Size, strings[i]);
            }

            var config = PocketSphinxNative.cmd_ln_parse_r(0, PocketSphinxNative.ps_args(), arguments.Count, argv, strict: 1);
            if (config == 0)
            {
                throw new SpeechEngineException("PocketSphinx rejected its configuration: " + string.Join(' ', arguments));
            }

            return new ConfigHandle(config, strings, argv);
        }
        catch
        {
            Free(strings, argv);
            throw;
        }
    }

    protected override bool ReleaseHandle()
    {
        _ = PocketSphinxNative.cmd_ln_free_r(handle);
        Free(_strings, _argv);
        return true;
    }

    private static void Free(nint[] strings, nint argv)
    {
        foreach (var s in strings)
        {
            System.Runtime.InteropServices.Marshal.FreeCoTaskMem(s);
        }

        System.Runtime.InteropServices.Marshal.FreeCoTaskMem(argv);
    }
}
