using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace Seva.Actors.Speech.PocketSphinx;

/// <summary>Checks at start-up that the engine library and model are installed, naming the package to install.</summary>
public sealed class PocketSphinxOptionsValidator : IValidateOptions<PocketSphinxOptions>
{
    public ValidateOptionsResult Validate(string? name, PocketSphinxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!NativeLibrary.TryLoad(PocketSphinxNative.PocketSphinxLibrary, out _))
        {
            failures.Add($"The speech engine library {PocketSphinxNative.PocketSphinxLibrary} is missing: install the Debian package libpocketsphinx3 (apt-get install libpocketsphinx3).");
        }

        if (!Directory.Exists(options.HmmPath))
        {
            failures.Add($"The acoustic model directory {options.HmmPath} is missing: install the Debian package pocketsphinx-en-us, or set {PocketSphinxOptions.SectionName}:ModelDirectory.");
        }

        foreach (var file in new[] { options.LanguageModelPath, options.DictionaryPath })
        {
            if (!File.Exists(file))
            {
                failures.Add($"The model file {file} is missing: install the Debian package pocketsphinx-en-us, or set {PocketSphinxOptions.SectionName}:ModelDirectory.");
            }
        }

        if (options.WarmDecoders > options.MaxDecoders)
        {
            failures.Add($"{PocketSphinxOptions.SectionName}:WarmDecoders ({options.WarmDecoders}) must not exceed MaxDecoders ({options.MaxDecoders}).");
        }

        if (options.IdleDecoders > options.MaxDecoders)
        {
            failures.Add($"{PocketSphinxOptions.SectionName}:IdleDecoders ({options.IdleDecoders}) must not exceed MaxDecoders ({options.MaxDecoders}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
