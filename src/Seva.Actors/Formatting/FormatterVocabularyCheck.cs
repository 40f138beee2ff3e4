using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Seva.Actors.Speech.PocketSphinx;

namespace Seva.Actors.Formatting;

/// <summary>Checks every word the formatting rules listen for against the engine's dictionary at
/// start-up: a rule whose words the engine cannot recognise can never fire, which is worth a warning
/// naming them (a custom dictionary may lack "period" or "milligrams").</summary>
/// <remarks>It runs beside the start, not in its way: reading the dictionary takes a moment and only
/// decides a log line.</remarks>
public sealed class FormatterVocabularyCheck(IOptions<PocketSphinxOptions> options, ILogger<FormatterVocabularyCheck> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var path = options.Value.DictionaryPath;
        if (!File.Exists(path))
        {
            return; // the engine's own start-up check names the missing model
        }

        using var reader = new StreamReader(path);
        var words = await Task.Run(() => FormatterVocabulary.ReadDictionaryWords(reader), stoppingToken);
        var missing = FormatterVocabulary.Missing(FormatterVocabulary.RuleWords, words.Contains);
        if (missing.Count > 0)
        {
            logger.LogWarning("The speech dictionary {Path} lacks {Count} words the formatting rules listen for, so those rules never apply: {Words}", path, missing.Count, string.Join(", ", missing));
        }
        else
        {
            logger.LogInformation("Every word the formatting rules listen for is in the speech dictionary ({Count} words)", FormatterVocabulary.RuleWords.Count);
        }
    }
}
