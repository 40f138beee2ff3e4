using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Seva.Actors.Formatting;
using Seva.Actors.Speech;
using Seva.Actors.Telemetry;
using Seva.Actors.Translation;

namespace Seva.Actors.Broadcast;

/// <summary>The logic of one broadcast, written once for any actor host: the speaker's speech stream,
/// the listeners and their languages, the controls, the status, and the recent captions.</summary>
/// <remarks>Not thread-safe by design: the host runs one call at a time. Engine results are queued by
/// the sink and applied in a turn the sink asks for, as in <see cref="Dictation.DictationActor"/>.
/// Each final is translated once per language in use, however many listeners share it.</remarks>
public sealed partial class BroadcastActor : ISpeechResultSink
{
    private readonly ISpeechEngine _engine;
    private readonly BroadcastOptions _options;
    private readonly ITranslator _translator;
    private readonly ISpeechSynthesizer? _voice;
    private readonly EngineCircuitBreaker? _breaker;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<Func<Task>> _requestTurn;
    private readonly ConcurrentQueue<RecognitionResult> _pending = new();
    private readonly Dictionary<string, (ListenerInfo Info, IBroadcastClient Client)> _listeners = new(StringComparer.Ordinal);
    private readonly LinkedList<RecentCaption> _recent = new();
    private readonly StatusTrigger _trigger;
    private IBroadcastClient? _speaker;
    private ISpeechStream? _stream;

    public BroadcastActor(string sessionId, string sourceLanguage, string qualityTier, ISpeechEngine engine, ITranslator translator, BroadcastOptions options, TimeProvider time, ILogger logger, Action<Func<Task>> requestTurn, ISpeechSynthesizer? voice = null, EngineCircuitBreaker? breaker = null)
    {
        _breaker = breaker;
        _voice = voice;
        SessionId = sessionId;
        SourceLanguage = sourceLanguage;
        QualityTier = qualityTier;
        _engine = engine;
        _translator = translator;
        _options = options;
        _trigger = new StatusTrigger(options.StatusPeriod);
        _time = time;
        _logger = logger;
        _requestTurn = requestTurn;
        CreatedAt = time.GetUtcNow();
        State = BroadcastState.Started(CreatedAt);
    }

    public string SessionId { get; }

    public string SourceLanguage { get; }

    public string QualityTier { get; }

    /// <summary>When the broadcast started, on whichever host: a broadcast that went on elsewhere keeps it,
    /// so a move gives it no fresh lease of life.</summary>
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>When the broadcast ends on its own, however it is used.</summary>
    public DateTimeOffset ExpiresAt => CreatedAt + _options.MaxDuration;

    public bool IsExpired => _time.GetUtcNow() >= ExpiresAt;

    public BroadcastState State { get; private set; }

    public string SpeakerConnectionId { get; private set; } = string.Empty;

    public IReadOnlyList<ListenerInfo> Listeners => [.. _listeners.Values.Select(l => l.Info)];

    public IReadOnlyList<string> SupportedLanguages => _translator.TargetsFor(SourceLanguage);

    /// <summary>Opens the speech stream for the speaker's connection.</summary>
    public async Task StartAsync(string speakerConnectionId, IBroadcastClient speaker, CancellationToken cancellationToken)
    {
        SpeakerConnectionId = speakerConnectionId;
        _speaker = speaker;
        _stream = await _engine.OpenStreamAsync(new SpeechStreamOptions("en-US", []), this, cancellationToken);
    }

    /// <summary>Speaker audio (16-bit PCM, 16 kHz). While paused or muted nothing is transcribed or sent.</summary>
    /// <remarks>A stream whose decoder failed is replaced by a fresh one on the next audio, so the
    /// broadcast goes on; the utterance in flight at the failure is lost (no replay, unlike dictation).</remarks>
    public async Task AcceptAudioAsync(ReadOnlyMemory<short> samples, long arrivalTimestamp)
    {
        if (!State.IsLive || _stream is null)
        {
            return;
        }

        try
        {
            _stream.Write(samples.Span, arrivalTimestamp);
        }
        catch (SpeechEngineException ex)
        {
            _logger.LogWarning(ex, "Broadcast {SessionId} lost its speech stream: opening a fresh one", SessionId);
            var failed = _stream;
            _stream = null;
            await failed.DisposeAsync();
            _stream = await _engine.OpenStreamAsync(new SpeechStreamOptions("en-US", []), this, CancellationToken.None);
            _stream.Write(samples.Span, arrivalTimestamp);
        }
    }

    /// <summary>Applies a speaker control and tells everyone the new state.</summary>
    public BroadcastState Control(string connectionId, string action, BroadcastStateChange change)
    {
        var role = connectionId == SpeakerConnectionId ? BroadcastRole.Speaker : BroadcastRole.Listener;
        var next = BroadcastControls.Apply(State, role, action, change, _time.GetUtcNow());
        if (next != State)
        {
            State = next;
            Notify(c => c.OnState(next));
        }

        return next;
    }

    /// <summary>Adds a listener; returns the final captions of the recent-captions window in its language.</summary>
    public async Task<IReadOnlyList<Caption>> JoinAsync(string connectionId, string language, bool audioOn, IBroadcastClient client, CancellationToken cancellationToken)
    {
        RequireSupported(language);
        if (_listeners.TryGetValue(connectionId, out var earlier))
        {
            CountListener(earlier.Info.Language, -1);
        }

        _listeners[connectionId] = (new ListenerInfo(connectionId, language, audioOn, _time.GetUtcNow()), client);
        CountListener(language, +1);
        var recent = await RecentCaptionsAsync(language, cancellationToken);
        CheckStatus();
        return recent;
    }

    public void Leave(string connectionId)
    {
        if (_listeners.Remove(connectionId, out var listener))
        {
            CountListener(listener.Info.Language, -1);
            CheckStatus();
        }
    }

    /// <summary>A listener's new language, from the next caption on.</summary>
    public void ChangeLanguage(string connectionId, string language)
    {
        if (!_listeners.TryGetValue(connectionId, out var listener))
        {
            throw new BroadcastException(new BroadcastError(403, "FORBIDDEN", "Only a listener of this broadcast may change its language."));
        }

        RequireSupported(language);
        _listeners[connectionId] = listener with { Info = listener.Info with { Language = language } };
        CountListener(listener.Info.Language, -1);
        CountListener(language, +1);
        CheckStatus();
    }

    /// <summary>A listener turns spoken translation on or off.</summary>
    public void SetAudio(string connectionId, bool audioOn)
    {
        if (_listeners.TryGetValue(connectionId, out var listener))
        {
            _listeners[connectionId] = listener with { Info = listener.Info with { AudioOn = audioOn } };
        }
    }

    public BroadcastStatus Status(string reason)
    {
        var distribution = StatusTrigger.Distribution(_listeners.Values.Select(l => l.Info.Language));
        var now = _time.GetUtcNow();
        return new BroadcastStatus(SessionId, distribution.Values.Sum(), distribution, (long)(now - CreatedAt).TotalSeconds, State, now, reason);
    }

    /// <summary>Sends the speaker a status if one is due (call on a timer too, for the periodic one).</summary>
    public void CheckStatus()
    {
        var distribution = StatusTrigger.Distribution(_listeners.Values.Select(l => l.Info.Language));
        var now = _time.GetUtcNow();
        if (_speaker is not null && _trigger.Check(distribution, now) is { } reason)
        {
            _trigger.Reported(distribution, now);
            _speaker.OnStatus(Status(reason));
        }
    }

    /// <summary>Ends the broadcast: the last words are transcribed and sent, then everyone is told.</summary>
    public async Task EndAsync(string reason, CancellationToken cancellationToken)
    {
        if (!State.IsActive)
        {
            return;
        }

        await CloseStreamAsync(cancellationToken);
        State = State with { IsActive = false, LastStateChange = _time.GetUtcNow() };
        Notify(c => c.OnEnded(reason));
        DropListeners();
    }

    /// <summary>Finishes the speech stream: the last words are transcribed and sent, then it closes.</summary>
    private async Task CloseStreamAsync(CancellationToken cancellationToken)
    {
        if (_stream is null)
        {
            return;
        }

        try
        {
            await _stream.CompleteAsync(cancellationToken);
            await ApplyResultsAsync(cancellationToken);
        }
        finally
        {
            await _stream.DisposeAsync();
            _stream = null;
        }
    }

    /// <summary>A broadcast that ended or left this host takes no more turns here, so its listeners will
    /// not leave one by one.</summary>
    private void DropListeners()
    {
        foreach (var (info, _) in _listeners.Values)
        {
            CountListener(info.Language, -1);
        }

        _listeners.Clear();
    }

    private static void CountListener(string language, int delta) =>
        SevaTelemetry.Listeners.Add(delta, new KeyValuePair<string, object?>("language", language));

    /// <summary>Translates and sends the captions the engine produced.</summary>
    public async Task ApplyResultsAsync(CancellationToken cancellationToken)
    {
        while (_pending.TryDequeue(out var result))
        {
            var now = _time.GetUtcNow();
            var languages = _listeners.Values.Select(l => l.Info.Language).Append(SourceLanguage).Distinct(StringComparer.Ordinal).ToList();

            // A final is written as a sentence (capital, numbers, closing period) before it is translated:
            // listeners read sentences, and Apertium translates punctuated sentences better. Partials
            // stay as recognised while they change.
            var source = result.IsPartial ? result.Text : TranscriptFormatter.Format(result.Text, FormattingContext.Empty, FormattingOptions.Caption).Text;
            var translations = await TranslateAsync(source, languages, cancellationToken);
            if (!result.IsPartial)
            {
                Remember(new RecentCaption(result.SegmentId, source, now, translations));
            }

            // One caption object per language: connections can serialise it once for all its listeners.
            var captions = translations.ToDictionary(t => t.Key, t => new Caption(result.IsPartial, t.Value, t.Key, result.SegmentId, source, now), StringComparer.Ordinal);
            _speaker?.OnCaption(captions[SourceLanguage]);
            foreach (var (info, client) in _listeners.Values)
            {
                client.OnCaption(captions[info.Language]);
            }

            if (!result.IsPartial)
            {
                await SpeakAsync(result.SegmentId, translations, cancellationToken);
            }
        }
    }

    /// <summary>Speaks a final once per language that has a listener with audio on, at the speaker's
    /// volume; nothing while muted.</summary>
    private async Task SpeakAsync(string segmentId, Dictionary<string, string> translations, CancellationToken cancellationToken)
    {
        if (_voice is null || State.IsMuted)
        {
            return;
        }

        foreach (var group in _listeners.Values.Where(l => l.Info.AudioOn).GroupBy(l => l.Info.Language, StringComparer.Ordinal))
        {
            short[] samples;
            try
            {
                samples = await _voice.SynthesizeAsync(translations[group.Key], group.Key, cancellationToken);
            }
            catch (InvalidOperationException ex)
            {
                _logger.LogWarning(ex, "Speech for {Language} failed in broadcast {SessionId}", group.Key, SessionId);
                continue;
            }

            if (samples.Length == 0)
            {
                continue;
            }

            var volume = State.Volume;
            if (volume < 1.0)
            {
                for (var i = 0; i < samples.Length; i++)
                {
                    samples[i] = (short)(samples[i] * volume);
                }
            }

            foreach (var (_, client) in group)
            {
                client.OnAudio(segmentId, group.Key, _voice.SampleRate, samples);
            }
        }
    }

    void ISpeechResultSink.OnResult(RecognitionResult result)
    {
        _pending.Enqueue(result);
        _requestTurn(() => ApplyResultsAsync(CancellationToken.None));
    }

    void ISpeechResultSink.OnError(Exception failure)
    {
        _breaker?.RecordFailure(EngineCircuitBreaker.StreamFailure);
        _logger.LogError(failure, "Speech engine failed in broadcast {SessionId}", SessionId);
    }

    private async Task<Dictionary<string, string>> TranslateAsync(string text, IReadOnlyList<string> languages, CancellationToken cancellationToken)
    {
        var work = languages.Select(async l => (Language: l, Text: await TranslateOrKeepAsync(text, l, cancellationToken)));
        return (await Task.WhenAll(work)).ToDictionary(t => t.Language, t => t.Text, StringComparer.Ordinal);
    }

    private async Task<string> TranslateOrKeepAsync(string text, string language, CancellationToken cancellationToken)
    {
        try
        {
            if (!string.Equals(language, SourceLanguage, StringComparison.Ordinal))
            {
                SevaTelemetry.BroadcastTranslations.Add(1, new KeyValuePair<string, object?>("language", language));
            }

            return await _translator.TranslateAsync(text, SourceLanguage, language, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            // A listener gets the original words rather than nothing while a pipeline restarts.
            _logger.LogWarning(ex, "Translation to {Language} failed in broadcast {SessionId}", language, SessionId);
            return text;
        }
    }

    private async Task<IReadOnlyList<Caption>> RecentCaptionsAsync(string language, CancellationToken cancellationToken)
    {
        Prune();
        var captions = new List<Caption>();
        foreach (var recent in _recent)
        {
            if (!recent.Translations.TryGetValue(language, out var text))
            {
                text = await TranslateOrKeepAsync(recent.SourceText, language, cancellationToken);
                recent.Translations[language] = text;
            }

            captions.Add(new Caption(false, text, language, recent.SegmentId, recent.SourceText, recent.At));
        }

        return captions;
    }

    private void Remember(RecentCaption caption)
    {
        _recent.AddLast(caption);
        Prune();
    }

    private void Prune()
    {
        var oldest = _time.GetUtcNow() - _options.RecentCaptionsWindow;
        while (_recent.First is { } first && first.Value.At < oldest)
        {
            _recent.RemoveFirst();
        }
    }

    private void RequireSupported(string language)
    {
        var supported = SupportedLanguages;
        if (!supported.Contains(language, StringComparer.Ordinal))
        {
            throw new BroadcastException(new BroadcastError(400, "UNSUPPORTED_LANGUAGE", $"'{language}' is not a supported language: use one of {string.Join(", ", supported)}."));
        }
    }

    private void Notify(Action<IBroadcastClient> send)
    {
        if (_speaker is not null)
        {
            send(_speaker);
        }

        foreach (var (_, client) in _listeners.Values)
        {
            send(client);
        }
    }

    private sealed record RecentCaption(string SegmentId, string SourceText, DateTimeOffset At, Dictionary<string, string> Translations);
}
