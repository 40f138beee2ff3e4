using System.Text.Json;
using Dapr;
using Dapr.Actors;

namespace Seva.Actors.Hosting.Dapr;

/// <summary>What a call through the sidecar throws when it fails: no sidecar, a failure behind it
/// (non-remoting calls report an actor's exception as <see cref="DaprApiException"/>
/// ERR_ACTOR_INVOKE_METHOD), an answer that is not the contract's JSON, or a timeout.</summary>
internal static class DaprCallFailure
{
    public static bool Is(Exception ex) =>
        ex is HttpRequestException or ActorMethodInvocationException or DaprApiException or JsonException or TaskCanceledException;
}
