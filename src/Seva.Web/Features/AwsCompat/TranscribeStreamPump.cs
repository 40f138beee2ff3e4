using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;

namespace Seva.Web.Features.AwsCompat;

/// <summary>How a stream's bytes come and go: the HTTP/2 request and response bodies, or WebSocket frames.</summary>
internal interface ITranscribeTransport
{
    /// <summary>The next bytes of the client's event stream; 0 at its end.</summary>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Sends one encoded message to the client, at once.</summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken);
}

/// <summary>The middle of a stream, whatever carries it: the client's audio events into the session, the
/// session's transcript events out, and Seva's own timeout in place of Kestrel's data-rate limit: after
/// <see cref="NoAudioTimeout"/> without audio the stream ends with AWS's BadRequestException.</summary>
internal sealed class TranscribeStreamPump(TranscribeSession session, AudioEventReader reader, TimeProvider time, ILogger logger)
{
    /// <summary>As Amazon Transcribe: 15 seconds without a new audio event ends the stream.</summary>
    public static readonly TimeSpan NoAudioTimeout = TimeSpan.FromSeconds(15);

    private enum Outcome
    {
        Ended,
        TimedOut,
        Faulted,
        ClientGone,
        SessionEnded,
    }

    /// <summary>Runs until the session has finished and every event is sent (or the client is gone).</summary>
    public async Task RunAsync(ITranscribeTransport transport, CancellationToken aborted)
    {
        var writing = WriteAsync(transport, aborted);
        var (outcome, fault) = await ReadAsync(transport, aborted);
        logger.LogInformation("Transcribe stream {SessionId} read to its end: {Outcome}", session.SessionId, outcome);
        switch (outcome)
        {
            case Outcome.Ended:
                await session.EndAsync(null);
                break;
            case Outcome.TimedOut:
                await session.EndAsync(new AwsCompatException(AwsCompatException.BadRequest, TranscribeEvents.NoAudioTimeoutMessage));
                break;
            case Outcome.Faulted:
                // What came before the fault was verified: it is kept, and the client told why it stopped.
                await session.EndAsync(fault);
                break;
            case Outcome.ClientGone:
                await session.AbandonAsync();
                break;
            case Outcome.SessionEnded:
                break; // it ended itself (limit, engine); its reason is the last event
        }

        await writing;
        await session.Finished;
    }

    private async Task WriteAsync(ITranscribeTransport transport, CancellationToken aborted)
    {
        try
        {
            await foreach (var message in session.Events.ReadAllAsync(aborted))
            {
                await transport.SendAsync(EventStreamCodec.Encode(message), aborted);
            }
        }
        catch (Exception ex) when (IsClientGone(ex))
        {
            logger.LogInformation("Transcribe stream {SessionId}: the client stopped reading ({Reason})", session.SessionId, ex.Message);
        }
    }

    private async Task<(Outcome, AwsCompatException?)> ReadAsync(ITranscribeTransport transport, CancellationToken aborted)
    {
        using var idle = new CancellationTokenSource(NoAudioTimeout, time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted, idle.Token, session.Ended);
        var decoder = new EventStreamDecoder();
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await transport.ReadAsync(buffer, stop.Token);
                if (read == 0)
                {
                    decoder.Complete();
                    reader.End();
                    return (Outcome.Ended, null);
                }

                foreach (var message in decoder.Feed(buffer.AsSpan(0, read)))
                {
                    var item = reader.Read(message);
                    if (item.IsEnd)
                    {
                        return (Outcome.Ended, null);
                    }

                    if (!await session.PostAudioAsync(item.Audio, CancellationToken.None))
                    {
                        return (Outcome.SessionEnded, null);
                    }

                    idle.CancelAfter(NoAudioTimeout);
                }
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return (Outcome.ClientGone, null);
        }
        catch (OperationCanceledException) when (session.Ended.IsCancellationRequested)
        {
            return (Outcome.SessionEnded, null);
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested)
        {
            return (Outcome.TimedOut, null);
        }
        catch (EventStreamException ex)
        {
            return (Outcome.Faulted, new AwsCompatException(AwsCompatException.BadRequest, $"The audio stream is not a well-formed event stream: {ex.Message}"));
        }
        catch (AwsCompatException ex)
        {
            return (Outcome.Faulted, ex);
        }
        catch (Exception ex) when (IsClientGone(ex))
        {
            return (Outcome.ClientGone, null);
        }
    }

    private static bool IsClientGone(Exception ex) =>
        ex is OperationCanceledException or IOException or ConnectionResetException or ConnectionAbortedException or WebSocketException or ObjectDisposedException;
}
