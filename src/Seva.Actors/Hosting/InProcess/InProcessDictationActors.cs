using Seva.Actors.Contracts;
using Seva.Actors.Dictation;
using Seva.Actors.Fanout;

namespace Seva.Actors.Hosting.InProcess;

/// <summary>The in-process host behind the dictation contract: each call goes to the session of that id
/// in <see cref="DictationSessions"/>, in its turn; events go straight to this process's followers.</summary>
public sealed class InProcessDictationActors(DictationSessions sessions, IDictationEventSink events, TimeProvider time) : IDictationActors
{
    public IDictationActor Get(string sessionId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sessionId);
        return new Actor(sessions, events, time, sessionId);
    }

    /// <summary>Goes on here with a session that ran on another actor host; its events go to
    /// <paramref name="follower"/>, numbered in <paramref name="epoch"/>.</summary>
    public async Task<DictationStartReply> ContinueAsync(string sessionId, DictationContinuation continuation, FollowerAddress follower, int epoch)
    {
        try
        {
            var (_, started) = await sessions.ContinueAsync(sessionId, continuation, new AddressedFollower(sessionId, follower, events, epoch), CancellationToken.None);
            return new DictationStartReply(started, null);
        }
        catch (DictationException ex)
        {
            return new DictationStartReply(null, ex.Error);
        }
    }

    private sealed class Actor(DictationSessions sessions, IDictationEventSink events, TimeProvider time, string sessionId) : IDictationActor
    {
        public async Task<DictationStartReply> StartAsync(DictationStartRequest request)
        {
            ArgumentNullException.ThrowIfNull(request);
            try
            {
                var follower = new AddressedFollower(sessionId, request.Follower, events);
                var start = request.Start with { SessionId = sessionId };
                var (_, started) = await sessions.StartAsync(sessionId, start, follower, request.Resumable, CancellationToken.None);
                return new DictationStartReply(started, null);
            }
            catch (DictationException ex)
            {
                return new DictationStartReply(null, ex.Error);
            }
        }

        public async Task<DictationAudioReply> AcceptAudioAsync(DictationAudioRequest request)
        {
            ArgumentNullException.ThrowIfNull(request);
            if (sessions.Find(sessionId) is not { } session)
            {
                return new DictationAudioReply(0, NotRunning());
            }

            try
            {
                if (request.WaitUntilProcessed)
                {
                    await session.AcceptAudioAsync(request.Pcm, CancellationToken.None);
                }
                else
                {
                    await session.PostAudioAsync(request.Pcm, time.GetTimestamp(), request.ConnectionId, CancellationToken.None);
                }

                return new DictationAudioReply(session.ReceivedBytes, null);
            }
            catch (DictationException ex)
            {
                return new DictationAudioReply(session.ReceivedBytes, ex.Error);
            }
        }

        public async Task<DictationEndReply> EndAsync(DictationEndRequest request)
        {
            if (sessions.Find(sessionId) is not { } session)
            {
                return sessions.FindEnded(sessionId) is { } ended ? new DictationEndReply(ended, null) : new DictationEndReply(null, NotRunning());
            }

            try
            {
                return new DictationEndReply(await session.EndAsync(CancellationToken.None), null);
            }
            catch (DictationException ex)
            {
                return new DictationEndReply(null, ex.Error);
            }
        }

        public Task DetachAsync(DictationDetachRequest request)
        {
            ArgumentNullException.ThrowIfNull(request);
            if (sessions.Find(sessionId) is { } session)
            {
                sessions.Detach(session, request.ConnectionId);
            }

            return Task.CompletedTask;
        }

        public Task<DictationProgress> GetProgressAsync() => Task.FromResult(sessions.Find(sessionId) is { } session
            ? new DictationProgress(session.IsActive, session.SecondsDecoded, session.ReceivedBytes, session.Completion.IsCompletedSuccessfully ? session.Completion.Result : null)
            : new DictationProgress(false, 0, 0, sessions.FindEnded(sessionId)));

        public Task CheckTimersAsync() => sessions.Find(sessionId) is { } session ? sessions.CheckTimersAsync(session) : Task.CompletedTask;

        private DictationError NotRunning() => sessions.FindEnded(sessionId) is not null
            ? DictationError.InvalidState("The session has ended.")
            : DictationError.InvalidState($"Session {sessionId} is not running: start it first.");
    }
}
