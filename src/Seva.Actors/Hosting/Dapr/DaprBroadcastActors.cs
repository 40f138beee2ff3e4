using Dapr.Actors;
using Dapr.Actors.Client;
using Microsoft.Extensions.Logging;
using Seva.Actors.Broadcast;
using Seva.Actors.Contracts;

namespace Seva.Actors.Hosting.Dapr;

/// <summary>Reaches broadcast actors through the Dapr sidecar (non-remoting calls, as
/// <see cref="IBroadcastActor"/> declares them); a call that fails becomes the reply's error.</summary>
public sealed class DaprBroadcastActors(IActorProxyFactory proxies, ILogger<DaprBroadcastActors> logger) : IBroadcastActors
{
    private static readonly BroadcastError Unreachable = new(503, "SERVICE_UNAVAILABLE", "The broadcast's host could not be reached through Dapr. Please try again.");

    public IBroadcastActor Get(string broadcastId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(broadcastId);
        return new Client(proxies.Create(new ActorId(broadcastId), DaprBroadcastActor.TypeName), broadcastId, logger);
    }

    private sealed class Client(ActorProxy proxy, string id, ILogger logger) : IBroadcastActor
    {
        public Task<BroadcastStartReply> StartAsync(BroadcastStartRequest request) => CallAsync(nameof(StartAsync), request, e => new BroadcastStartReply(null, e));

        public Task<BroadcastReply> AcceptAudioAsync(BroadcastAudioRequest request) => CallAsync(nameof(AcceptAudioAsync), request, e => new BroadcastReply(e));

        public Task<BroadcastControlReply> ControlAsync(BroadcastControlRequest request) => CallAsync(nameof(ControlAsync), request, e => new BroadcastControlReply(null, e));

        public Task<BroadcastJoinReply> JoinAsync(BroadcastJoinRequest request) => CallAsync(nameof(JoinAsync), request, e => new BroadcastJoinReply([], null, e));

        public Task<BroadcastReply> ChangeListenerAsync(BroadcastListenerChange request) => CallAsync(nameof(ChangeListenerAsync), request, e => new BroadcastReply(e));

        public Task LeaveAsync(BroadcastLeaveRequest request) => CallAsync(nameof(LeaveAsync), request);

        public Task<BroadcastSnapshot> GetSnapshotAsync(BroadcastSnapshotRequest request) =>
            CallAsync(nameof(GetSnapshotAsync), request, _ => new BroadcastSnapshot(id, false, null, null, []));

        public Task EndAsync(BroadcastEndRequest request) => CallAsync(nameof(EndAsync), request);

        public Task TickAsync() => proxy.InvokeMethodAsync(nameof(TickAsync));

        private async Task<TReply> CallAsync<TRequest, TReply>(string method, TRequest request, Func<BroadcastError, TReply> failed)
        {
            try
            {
                return await proxy.InvokeMethodAsync<TRequest, TReply>(method, request);
            }
            catch (Exception ex) when (DaprCallFailure.Is(ex))
            {
                logger.LogError(ex, "Dapr call {Method} of broadcast {SessionId} failed", method, id);
                return failed(Unreachable);
            }
        }

        /// <summary>Leaving and ending answer nothing: a failure is logged (the broadcast's own timers end it).</summary>
        private async Task CallAsync<TRequest>(string method, TRequest request)
        {
            try
            {
                await proxy.InvokeMethodAsync(method, request);
            }
            catch (Exception ex) when (DaprCallFailure.Is(ex))
            {
                logger.LogError(ex, "Dapr call {Method} of broadcast {SessionId} failed", method, id);
            }
        }

    }
}
