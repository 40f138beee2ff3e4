namespace Seva.Actors.Speech;

/// <summary>The speech engine failed or was misconfigured; surfaces as TRANSCRIBE_SERVICE_ERROR.</summary>
public sealed class SpeechEngineException : Exception
{
    public SpeechEngineException(string message)
        : base(message)
    {
    }

    public SpeechEngineException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public SpeechEngineException()
    {
    }
}
