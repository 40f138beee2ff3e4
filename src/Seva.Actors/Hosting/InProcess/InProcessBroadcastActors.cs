using Seva.Actors.Broadcast;
using Seva.Actors.Contracts;
using Seva.Actors.Fanout;

namespace Seva.Actors.Hosting.InProcess;

/// <summary>The in-process host behind the broadcast contract: each call goes to the live broadcast of that
/// id in <see cref="BroadcastSessions"/>, in its turn; events go straight to this process's connections.</summary>
public sealed class InProcessBroadcastActors(BroadcastSessions sessions, IBroadcastEventSink events, TimeProvider time) : IBroadcastActors
{
    public IBroadcastActor Get(string broadcastId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(broadcastId);
        return new Actor(sessions, events, time, broadcastId);
    }

    /// <summary>Goes on here with a broadcast another actor host ran (Dapr placed its actor here), from what
    /// that host saved: its speaker and listeners get clients in the continuation's epoch, at the addresses
    /// they had. Throws <see cref="BroadcastException"/> when it cannot go on (the engine refuses).</summary>
    public async Task ContinueAsync(string broadcastId, BroadcastContinuation continuation)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(broadcastId);
        ArgumentNullException.ThrowIfNull(continuation);
        var carried = new BroadcastCarryOver(
            continuation.SourceLanguage,
            continuation.QualityTier,
            continuation.StartedAt,
            continuation.State,
            continuation.Speaker.ConnectionId,
            new AddressedBroadcastClient(broadcastId, continuation.Speaker, events, continuation.Epoch),
            [.. continuation.Listeners.Select(l => new CarriedListener(l.Address.ConnectionId, l.Language, l.AudioOn, new AddressedBroadcastClient(broadcastId, l.Address, events, continuation.Epoch)))]);
        await sessions.ContinueAsync(broadcastId, carried, continuation.Epoch, CancellationToken.None);
    }

    private sealed class Actor(BroadcastSessions sessions, IBroadcastEventSink events, TimeProvider time, string id) : IBroadcastActor
    {
        private static readonly BroadcastError Ended = new(404, "SESSION_NOT_FOUND", "The broadcast has ended.");

        public async Task<BroadcastStartReply> StartAsync(BroadcastStartRequest request)
        {
            ArgumentNullException.ThrowIfNull(request);
            try
            {
                var speaker = new AddressedBroadcastClient(id, request.Speaker, events);
                var live = await sessions.StartAsync(id, request.Speaker.ConnectionId, speaker, request.SourceLanguage, request.QualityTier, CancellationToken.None);
                return new BroadcastStartReply(await SnapshotAsync(live, StatusReasons.Requested), null);
            }
            catch (BroadcastException ex)
            {
                return new BroadcastStartReply(null, ex.Error);
            }
        }

        public Task<BroadcastReply> AcceptAudioAsync(BroadcastAudioRequest request) => CallAsync(async live =>
        {
            ArgumentNullException.ThrowIfNull(request);
            if (live.Actor.SpeakerConnectionId != request.ConnectionId)
            {
                throw new BroadcastException(new BroadcastError(403, "FORBIDDEN", "Only the speaker sends audio."));
            }

            await live.AcceptAudioAsync(request.Pcm, time.GetTimestamp());
            return new BroadcastReply(null);
        }, error => new BroadcastReply(error));

        public Task<BroadcastControlReply> ControlAsync(BroadcastControlRequest request) => CallAsync(
            async live => new BroadcastControlReply(await live.CallAsync(a => a.Control(request.ConnectionId, request.Action, request.Change)), null),
            error => new BroadcastControlReply(null, error));

        public Task<BroadcastJoinReply> JoinAsync(BroadcastJoinRequest request) => CallAsync(async live =>
        {
            ArgumentNullException.ThrowIfNull(request);
            var client = new AddressedBroadcastClient(id, request.Listener, events, live.Epoch);
            var (recent, state) = await live.CallAsync(async a => (await a.JoinAsync(request.Listener.ConnectionId, request.Language, request.AudioOn, client, CancellationToken.None), a.State));
            return new BroadcastJoinReply(recent, state, null);
        }, error => new BroadcastJoinReply([], null, error));

        public Task<BroadcastReply> ChangeListenerAsync(BroadcastListenerChange request) => CallAsync(async live =>
        {
            ArgumentNullException.ThrowIfNull(request);
            await live.CallAsync(a =>
            {
                if (request.Language is not null)
                {
                    a.ChangeLanguage(request.ConnectionId, request.Language);
                }

                if (request.AudioOn is { } on)
                {
                    a.SetAudio(request.ConnectionId, on);
                }

                return Task.CompletedTask;
            });
            return new BroadcastReply(null);
        }, error => new BroadcastReply(error));

        public Task LeaveAsync(BroadcastLeaveRequest request) => CallAsync(async live =>
        {
            ArgumentNullException.ThrowIfNull(request);
            await live.CallAsync(a =>
            {
                a.Leave(request.ConnectionId);
                return Task.CompletedTask;
            });
            return new BroadcastReply(null);
        }, error => new BroadcastReply(error));

        public async Task<BroadcastSnapshot> GetSnapshotAsync(BroadcastSnapshotRequest request)
        {
            ArgumentNullException.ThrowIfNull(request);
            try
            {
                return sessions.Find(id) is { } live ? await SnapshotAsync(live, request.StatusReason) : Missing();
            }
            catch (BroadcastException)
            {
                return Missing();
            }
        }

        public async Task EndAsync(BroadcastEndRequest request)
        {
            ArgumentNullException.ThrowIfNull(request);
            try
            {
                if (sessions.Find(id) is { } live)
                {
                    await live.EndAsync(request.Reason);
                }
            }
            catch (BroadcastException)
            {
                // it ended meanwhile
            }
        }

        public Task TickAsync() => sessions.Find(id) is { } live ? live.TickAsync() : Task.CompletedTask;

        private BroadcastSnapshot Missing() => new(id, false, null, null, []);

        private static Task<BroadcastSnapshot> SnapshotAsync(LiveBroadcast live, string reason) =>
            live.CallAsync(a => new BroadcastSnapshot(a.SessionId, a.State.IsActive, a.State, a.Status(reason), a.SupportedLanguages));

        private async Task<TReply> CallAsync<TReply>(Func<LiveBroadcast, Task<TReply>> call, Func<BroadcastError, TReply> refused)
        {
            if (sessions.Find(id) is not { } live)
            {
                return refused(Ended);
            }

            try
            {
                return await call(live);
            }
            catch (BroadcastException ex)
            {
                return refused(ex.Error);
            }
        }
    }
}
