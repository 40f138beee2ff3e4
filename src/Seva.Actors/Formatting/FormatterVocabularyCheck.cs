using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Seva.Actors.Speech.PocketSphinx;

namespace Seva.Actors.Formatting;

/// <summary>At start-up, checks every word the formatting rules listen for against the engine's
/// dictionary: a rule whose words the engine cannot recognise can never fire, which is worth a warning
/// naming them (a custom dictionary may lack "period" or "milligrams").</summary>
public sealed class FormatterVocabularyCheck(IOptions<PocketSphinxOptions> options, ILogger<FormatterVocabularyCheck> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var path = options.Value.DictionaryPath;
        if (!File.Exists(path))
        {
            return; // the engine's own start-up check names the missing model
        }

        using var reader = new StreamReader(path);
        var words = await Task.Run(() => FormatterVocabulary.ReadDictionaryWords(reader), cancellationToken);
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

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
