using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Seva.Actors.Hosting;

/// <summary>The in-process actor host's turn-based mailbox: calls run one at a time, in arrival order.</summary>
/// <remarks>This is what the Dapr actor runtime gives an actor for free (turn-based concurrency), so the
/// session logic written against it runs unchanged under either host. Audio has its own message kind,
/// a struct carrying a pooled buffer, so the busiest path queues without allocating.</remarks>
public sealed class ActorMailbox : IAsyncDisposable
{
    private readonly Channel<Envelope> _queue = Channel.CreateUnbounded<Envelope>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });

    private readonly ILogger _logger;
    private readonly Func<AudioMessage, ValueTask>? _onAudio;
    private readonly Task _loop;

    public ActorMailbox(ILogger logger, Func<AudioMessage, ValueTask>? onAudio = null)
    {
        _logger = logger;
        _onAudio = onAudio;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Runs <paramref name="call"/> in its turn and returns its result.</summary>
    public Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = _queue.Writer.TryWrite(new Envelope(async () =>
        {
            try
            {
                done.TrySetResult(await call());
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        }, default));
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
    public bool Post(Func<Task> work) => _queue.Writer.TryWrite(new Envelope(work, default));

    /// <summary>Queues audio for the audio handler; false once the mailbox is closed.</summary>
    public bool PostAudio(AudioMessage audio) => _onAudio is not null && _queue.Writer.TryWrite(new Envelope(null, audio));

    /// <summary>Stops taking calls; what is queued still runs.</summary>
    public void Close() => _queue.Writer.TryComplete();

    public async ValueTask DisposeAsync()
    {
        Close();
        await _loop;
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var envelope))
            {
                try
                {
                    if (envelope.Work is not null)
                    {
                        await envelope.Work();
                    }
                    else
                    {
                        await _onAudio!(envelope.Audio);
                    }
                }
                catch (Exception ex)
                {
                    _logger.LogError(ex, "An actor turn failed");
                }
            }
        }
    }

    private readonly record struct Envelope(Func<Task>? Work, AudioMessage Audio);
}

/// <summary>A chunk of PCM in a buffer rented from <see cref="System.Buffers.ArrayPool{T}.Shared"/>;
/// the handler returns it. <see cref="ArrivalTimestamp"/> is when it reached the server.</summary>
public readonly record struct AudioMessage(byte[] Buffer, int Length, long ArrivalTimestamp);
