using System.Globalization;
using System.Text.RegularExpressions;

namespace Seva.Web.Features.AwsCompat;

public enum TranscribeOperation
{
    /// <summary><c>POST /stream-transcription</c>, <c>GET /stream-transcription-websocket</c>.</summary>
    Standard,

    /// <summary><c>POST /medical-stream-transcription</c>, <c>GET /medical-stream-transcription-websocket</c>.</summary>
    Medical,
}

/// <summary>What Seva can do of what a client may ask: the languages its engine has, whether a
/// <c>vocabulary-name</c> can name a Seva vocabulary, and the sample rates it records at (null: any AWS allows).</summary>
public sealed record TranscribeCapabilities(IReadOnlyCollection<string> Languages, bool Vocabularies, IReadOnlyCollection<int>? SampleRates = null);

/// <summary>The parameters of StartStreamTranscription / StartMedicalStreamTranscription, read from the
/// <c>x-amzn-transcribe-*</c> headers (HTTP/2) or the query without that prefix (WebSocket).</summary>
public sealed partial record TranscribeStreamRequest(
    TranscribeOperation Operation,
    string LanguageCode,
    int SampleRate,
    string MediaEncoding,
    string? SessionId,
    string? VocabularyName,
    bool EnablePartialResultsStabilization,
    string? PartialResultsStability,
    bool ShowSpeakerLabel,
    string? Specialty,
    string? Type)
{
    public const string HeaderPrefix = "x-amzn-transcribe-";

    /// <summary>The service's enums as @aws-sdk/client-transcribe-streaming 3.1141.0 lists them.</summary>
    public static readonly IReadOnlyList<string> AwsLanguageCodes =
    [
        "af-ZA", "am-ET", "ar-AE", "ar-SA", "be-BY", "bg-BG", "bn-IN", "bs-BA", "ca-ES", "ckb-IQ", "ckb-IR", "cs-CZ", "cy-WL", "da-DK",
        "de-CH", "de-DE", "el-GR", "en-AB", "en-AU", "en-GB", "en-IE", "en-IN", "en-NZ", "en-US", "en-WL", "en-ZA", "es-ES", "es-MX",
        "es-US", "et-ET", "eu-ES", "fa-AF", "fa-IR", "fi-FI", "fr-CA", "fr-FR", "gl-ES", "gu-IN", "he-IL", "hi-IN", "hr-HR", "ht-HT",
        "hu-HU", "hy-AM", "id-ID", "is-IS", "it-IT", "ja-JP", "jv-ID", "kab-DZ", "ka-GE", "kk-KZ", "km-KH", "kn-IN", "ko-KR", "lg-IN",
        "lt-LT", "lv-LV", "mk-MK", "ml-IN", "mr-IN", "ms-MY", "my-MM", "ne-NP", "nl-NL", "no-NO", "or-IN", "pa-IN", "pl-PL", "ps-AF",
        "pt-BR", "pt-PT", "ro-RO", "ru-RU", "si-LK", "sk-SK", "sl-SI", "so-SO", "sq-AL", "sr-RS", "su-ID", "sv-SE", "sw-BI", "sw-KE",
        "sw-RW", "sw-TZ", "sw-UG", "ta-IN", "te-IN", "th-TH", "tl-PH", "tr-TR", "uk-UA", "uz-UZ", "vi-VN", "zh-CN", "zh-HK", "zh-TW",
        "zu-ZA",
    ];

    public static readonly IReadOnlyList<string> AwsMediaEncodings = ["flac", "g711-alaw", "g711-ulaw", "g729", "ogg-opus", "pcm"];
    public static readonly IReadOnlyList<string> AwsStabilities = ["high", "low", "medium"];
    public static readonly IReadOnlyList<string> AwsSpecialties = ["CARDIOLOGY", "NEUROLOGY", "ONCOLOGY", "PRIMARYCARE", "RADIOLOGY", "UROLOGY"];
    public static readonly IReadOnlyList<string> AwsTypes = ["CONVERSATION", "DICTATION"];

    /// <summary>Parameters AWS takes that Seva cannot honour: refused, not ignored (a redaction request
    /// silently dropped would leave a clinic's transcript unredacted).</summary>
    private static readonly string[] Unsupported =
    [
        "vocabulary-names", "vocabulary-filter-name", "vocabulary-filter-names", "vocabulary-filter-method", "language-model-name",
        "enable-channel-identification", "number-of-channels", "content-identification-type", "content-redaction-type",
        "pii-entity-types", "identify-language", "identify-multiple-languages", "language-options", "preferred-language",
        "session-resume-window", "transcript-format",
    ];

    /// <summary>Reads and checks the parameters. AWS's own constraints fail first, with the message the
    /// service gives ("1 validation error detected: Value '1234' at 'mediaSampleRateHertz' failed to satisfy
    /// constraint: ..."); then what Seva cannot do, in Seva's words.</summary>
    /// <param name="parameter">A parameter by its name without the prefix (<c>sample-rate</c>), or null.</param>
    /// <param name="present">Every parameter name the client sent, without the prefix.</param>
    /// <exception cref="AwsCompatException">BadRequestException.</exception>
    public static TranscribeStreamRequest Parse(
        TranscribeOperation operation, Func<string, string?> parameter, IEnumerable<string> present, TranscribeCapabilities capabilities)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(present);
        ArgumentNullException.ThrowIfNull(capabilities);
        var medical = operation == TranscribeOperation.Medical;
        var aws = new List<string>();
        var language = Enum(aws, "languageCode", parameter("language-code"), AwsLanguageCodes, required: true);
        var sampleRateText = parameter("sample-rate");
        var sampleRate = 0;
        var sampleRateIsNumber = sampleRateText is not null && int.TryParse(sampleRateText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out sampleRate);
        if (sampleRateText is null)
        {
            aws.Add(Constraint("mediaSampleRateHertz", null, "Member must not be null"));
        }
        else if (!sampleRateIsNumber)
        {
            // Not a constraint but a parse failure: no AWS wording is known for it.
        }
        else if (sampleRate < 8000)
        {
            aws.Add(Constraint("mediaSampleRateHertz", sampleRateText, "Member must have value greater than or equal to 8000"));
        }
        else if (sampleRate > 48000)
        {
            aws.Add(Constraint("mediaSampleRateHertz", sampleRateText, "Member must have value less than or equal to 48000"));
        }

        var encoding = Enum(aws, "mediaEncoding", parameter("media-encoding"), AwsMediaEncodings, required: true);
        var vocabulary = Pattern(aws, "vocabularyName", parameter("vocabulary-name"), 1, 200, VocabularyNamePattern(), "^[0-9a-zA-Z._-]+$");
        var specialty = medical ? Enum(aws, "specialty", parameter("specialty"), AwsSpecialties, required: true) : null;
        var type = medical ? Enum(aws, "type", parameter("type"), AwsTypes, required: true) : null;
        var sessionId = Pattern(aws, "sessionId", parameter("session-id"), 36, 36, SessionIdPattern(), "^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$");
        var stability = medical ? null : Enum(aws, "partialResultsStability", parameter("partial-results-stability"), AwsStabilities, required: false);
        if (aws.Count > 0)
        {
            var count = aws.Count == 1 ? "1 validation error detected" : $"{aws.Count} validation errors detected";
            throw new AwsCompatException(AwsCompatException.BadRequest, $"{count}: {string.Join("; ", aws)}");
        }

        var seva = new List<string>();
        if (!sampleRateIsNumber)
        {
            seva.Add($"sample-rate '{sampleRateText}' is not a whole number of hertz.");
        }

        if (sampleRateIsNumber && capabilities.SampleRates is { } rates && !rates.Contains(sampleRate))
        {
            seva.Add($"Seva records at {string.Join(", ", rates.Order())} Hz; sample-rate {sampleRate} is not one of them: resample the audio to one of these rates.");
        }

        var stabilize = !medical && Flag(seva, "enable-partial-results-stabilization", parameter("enable-partial-results-stabilization"));
        var speakers = Flag(seva, "show-speaker-label", parameter("show-speaker-label"));
        if (!capabilities.Languages.Contains(language!, StringComparer.Ordinal))
        {
            seva.Add($"Seva has no speech model for language-code '{language}': it transcribes {string.Join(", ", capabilities.Languages)}.");
        }

        if (medical && !string.Equals(language, "en-US", StringComparison.Ordinal))
        {
            seva.Add($"Medical transcription is in en-US only, as in Amazon Transcribe Medical; language-code is '{language}'.");
        }

        if (!string.Equals(encoding, "pcm", StringComparison.Ordinal))
        {
            seva.Add($"Seva takes media-encoding pcm (signed 16-bit little-endian) only; '{encoding}' is not supported.");
        }

        if (vocabulary is not null && !capabilities.Vocabularies)
        {
            seva.Add($"Seva has no custom vocabularies to apply: leave vocabulary-name ('{vocabulary}') out.");
        }

        if (speakers)
        {
            seva.Add("Seva does not label speakers: leave show-speaker-label out or false.");
        }

        seva.AddRange(present.Where(p => Unsupported.Contains(p, StringComparer.OrdinalIgnoreCase)).Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(p => $"Seva does not support {p}: leave it out."));
        if (seva.Count > 0)
        {
            throw new AwsCompatException(AwsCompatException.BadRequest, string.Join(' ', seva));
        }

        return new TranscribeStreamRequest(operation, language!, sampleRate, encoding!, sessionId, vocabulary, stabilize, stability, speakers, specialty, type);
    }

    /// <summary>From the request headers (HTTP/2): <c>x-amzn-transcribe-sample-rate</c> and so on.</summary>
    public static TranscribeStreamRequest FromHeaders(TranscribeOperation operation, IHeaderDictionary headers, TranscribeCapabilities capabilities)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return Parse(
            operation,
            name => headers.TryGetValue(HeaderPrefix + name, out var v) ? v.ToString() : null,
            headers.Keys.Where(k => k.StartsWith(HeaderPrefix, StringComparison.OrdinalIgnoreCase)).Select(k => k[HeaderPrefix.Length..].ToLowerInvariant()),
            capabilities);
    }

    /// <summary>From the presigned WebSocket URL's query: the same names without the prefix.</summary>
    public static TranscribeStreamRequest FromQuery(TranscribeOperation operation, string rawQuery, TranscribeCapabilities capabilities)
    {
        var pairs = SigV4.ParseQuery(rawQuery);
        return Parse(
            operation,
            name => pairs.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.Ordinal)).Value,
            pairs.Select(p => p.Key),
            capabilities);
    }

    /// <summary>The headers the response carries at once: <c>x-amzn-request-id</c> and the parameters echoed,
    /// as the SDK reads them into SessionId, LanguageCode and the rest.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ResponseHeaders(string sessionId, string requestId)
    {
        var headers = new List<KeyValuePair<string, string>>
        {
            new("x-amzn-request-id", requestId),
            new(HeaderPrefix + "session-id", sessionId),
            new(HeaderPrefix + "language-code", LanguageCode),
            new(HeaderPrefix + "sample-rate", SampleRate.ToString(CultureInfo.InvariantCulture)),
            new(HeaderPrefix + "media-encoding", MediaEncoding),
        };
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                headers.Add(new(HeaderPrefix + name, value));
            }
        }

        Add("vocabulary-name", VocabularyName);
        Add("specialty", Specialty);
        Add("type", Type);
        Add("enable-partial-results-stabilization", EnablePartialResultsStabilization ? "true" : null);
        Add("partial-results-stability", PartialResultsStability);
        return headers;
    }

    private static string Constraint(string member, string? value, string rule) =>
        $"Value {(value is null ? "null" : $"'{value}'")} at '{member}' failed to satisfy constraint: {rule}";

    private static string? Enum(List<string> errors, string member, string? value, IReadOnlyList<string> allowed, bool required)
    {
        if (value is null)
        {
            if (required)
            {
                errors.Add(Constraint(member, null, "Member must not be null"));
            }
        }
        else if (!allowed.Contains(value, StringComparer.Ordinal))
        {
            errors.Add(Constraint(member, value, $"Member must satisfy enum value set: [{string.Join(", ", allowed)}]"));
        }

        return value;
    }

    private static string? Pattern(List<string> errors, string member, string? value, int min, int max, Regex pattern, string shown)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length < min)
        {
            errors.Add(Constraint(member, value, $"Member must have length greater than or equal to {min}"));
        }

        if (value.Length > max)
        {
            errors.Add(Constraint(member, value, $"Member must have length less than or equal to {max}"));
        }

        if (!pattern.IsMatch(value))
        {
            errors.Add(Constraint(member, value, $"Member must satisfy regular expression pattern: {shown}"));
        }

        return value;
    }

    private static bool Flag(List<string> errors, string name, string? value)
    {
        if (value is null || string.Equals(value, "false", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (string.Equals(value, "true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        errors.Add($"{name} is '{value}'; it takes true or false.");
        return false;
    }

    [GeneratedRegex("^[0-9a-zA-Z._-]+$")]
    private static partial Regex VocabularyNamePattern();

    [GeneratedRegex("^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$")]
    private static partial Regex SessionIdPattern();
}
