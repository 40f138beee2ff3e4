using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Seva.Actors.Hosting;

/// <summary>The in-process actor host's turn-based mailbox: calls run one at a time, in arrival order.</summary>
/// <remarks>This is what the Dapr actor runtime gives an actor for free (turn-based concurrency), so the
/// session logic written against it runs unchanged under either host.</remarks>
public sealed class ActorMailbox : IAsyncDisposable
{
    private readonly Channel<Func<Task>> _queue = Channel.CreateUnbounded<Func<Task>>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });

    private readonly ILogger _logger;
    private readonly Task _loop;

    public ActorMailbox(ILogger logger)
    {
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Runs <paramref name="call"/> in its turn and returns its result.</summary>
    public Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = _queue.Writer.TryWrite(async () =>
        {
            try
            {
                done.TrySetResult(await call());
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        });
        if (!queued)
        {
            done.TrySetException(new ObjectDisposedException(nameof(ActorMailbox), "The session has ended."));
        }

        return done.Task;
    }

    public Task CallAsync(Func<Task> call) => CallAsync(async () =>
    {
        await call();
        return true;
    });

    /// <summary>Queues work without waiting for it; failures are logged.</summary>
    public bool Post(Func<Task> work) => _queue.Writer.TryWrite(work);

    /// <summary>Stops taking calls; what is queued still runs.</summary>
    public void Close() => _queue.Writer.TryComplete();

    public async ValueTask DisposeAsync()
    {
        Close();
        await _loop;
    }

    private async Task RunAsync()
    {
        await foreach (var work in _queue.Reader.ReadAllAsync())
        {
            try
            {
                await work();
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "An actor turn failed");
            }
        }
    }
}
