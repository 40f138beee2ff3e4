namespace Seva.Actors.Translation;

/// <summary>Translates caption text between languages (ISO 639-1 codes such as "en", "es").</summary>
public interface ITranslator
{
    /// <summary>Languages <paramref name="source"/> text can be translated into (itself included).</summary>
    IReadOnlyList<string> TargetsFor(string source);

    /// <summary>Translates one segment; the same language returns the text unchanged. Throws
    /// <see cref="UnsupportedLanguageException"/> for a language with no installed route.</summary>
    Task<string> TranslateAsync(string text, string source, string target, CancellationToken cancellationToken);
}

public sealed class UnsupportedLanguageException(string language, IReadOnlyList<string> supported)
    : Exception($"'{language}' is not a supported language: use one of {string.Join(", ", supported)}.")
{
    public string Language { get; } = language;

    public IReadOnlyList<string> Supported { get; } = supported;
}
