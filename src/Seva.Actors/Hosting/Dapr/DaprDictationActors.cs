using Dapr.Actors;
using Dapr.Actors.Client;
using Microsoft.Extensions.Logging;
using Seva.Actors.Contracts;
using Seva.Actors.Dictation;

namespace Seva.Actors.Hosting.Dapr;

/// <summary>Reaches dictation actors through the Dapr sidecar (non-remoting calls: the method name and
/// one JSON body, as <see cref="IDictationActor"/> declares them).</summary>
/// <remarks>A sidecar that cannot be reached, or a call that fails behind it, becomes the reply's error,
/// as the contract promises callers: they never see Dapr's exceptions.</remarks>
public sealed class DaprDictationActors(IActorProxyFactory proxies, ILogger<DaprDictationActors> logger) : IDictationActors
{
    public IDictationActor Get(string sessionId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sessionId);
        return new Client(proxies.Create(new ActorId(sessionId), DaprDictationActor.TypeName), sessionId, logger);
    }

    private sealed class Client(ActorProxy proxy, string sessionId, ILogger logger) : IDictationActor
    {
        public Task<DictationStartReply> StartAsync(DictationStartRequest request) =>
            CallAsync(nameof(StartAsync), request, error => new DictationStartReply(null, error));

        public Task<DictationAudioReply> AcceptAudioAsync(DictationAudioRequest request) =>
            CallAsync(nameof(AcceptAudioAsync), request, error => new DictationAudioReply(0, error));

        public Task<DictationEndReply> EndAsync(DictationEndRequest request) =>
            CallAsync(nameof(EndAsync), request, error => new DictationEndReply(null, error));

        public async Task DetachAsync(DictationDetachRequest request)
        {
            try
            {
                await proxy.InvokeMethodAsync(nameof(DetachAsync), request);
            }
            catch (Exception ex) when (DaprCallFailure.Is(ex))
            {
                // The session times out on its own (the resume window, then the idle timeout).
                logger.LogWarning(ex, "Could not tell dictation {SessionId} its connection left", sessionId);
            }
        }

        public async Task<DictationProgress> GetProgressAsync()
        {
            try
            {
                return await proxy.InvokeMethodAsync<DictationProgress>(nameof(GetProgressAsync));
            }
            catch (Exception ex) when (DaprCallFailure.Is(ex))
            {
                logger.LogWarning(ex, "Could not ask dictation {SessionId} for its progress", sessionId);
                return new DictationProgress(false, 0, 0, null);
            }
        }

        public Task CheckTimersAsync() => proxy.InvokeMethodAsync(nameof(CheckTimersAsync));

        private async Task<TReply> CallAsync<TRequest, TReply>(string method, TRequest request, Func<DictationError, TReply> failed)
        {
            try
            {
                return await proxy.InvokeMethodAsync<TRequest, TReply>(method, request);
            }
            catch (Exception ex) when (DaprCallFailure.Is(ex))
            {
                logger.LogError(ex, "Dapr call {Method} of dictation {SessionId} failed", method, sessionId);
                return failed(new DictationError(
                    DictationErrorCodes.TranscribeServiceError,
                    "The session host could not be reached through Dapr. Please try again.",
                    Recoverable: false,
                    RetryAfter: 5));
            }
        }

    }
}
