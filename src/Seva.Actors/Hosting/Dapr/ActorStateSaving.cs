using Dapr.Actors.Runtime;

namespace Seva.Actors.Hosting.Dapr;

/// <summary>How the Seva actors write their one state record: at once (not at the end of the call, so a
/// session's state is in the store before anything else can happen to it), with a TTL when one is set.</summary>
internal static class ActorStateSaving
{
    /// <param name="ttl">Zero: kept for good.</param>
    public static async Task SaveNowAsync<T>(this IActorStateManager stateManager, string key, T state, TimeSpan ttl)
    {
        try
        {
            if (ttl > TimeSpan.Zero)
            {
                await stateManager.SetStateAsync(key, state, ttl);
            }
            else
            {
                await stateManager.SetStateAsync(key, state);
            }

            await stateManager.SaveStateAsync();
        }
        catch
        {
            // The runtime saves what is pending after every call: a change left pending would fail the call
            // that answers this failure.
            await stateManager.ClearCacheAsync();
            throw;
        }
    }
}
