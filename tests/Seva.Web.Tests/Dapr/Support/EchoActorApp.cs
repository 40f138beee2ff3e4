using System.Collections.Concurrent;
using System.Text;
using Dapr;
using Dapr.Actors;
using Dapr.Actors.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Seva.Web.Tests.Dapr.Support;

// A test-only app built the way Seva's Dapr host is meant to be (Dapr.Actors.AspNetCore and
// Dapr.AspNetCore 1.19): it proves the sidecar double speaks what the real SDK expects.

public interface IEchoActor : IActor
{
    Task<EchoReply> EchoAsync(EchoRequest request);

    Task SaveNoteAsync(Note note);

    Task<Note?> ReadNoteAsync();

    Task ScheduleAsync(string name);

    Task FailAsync();
}

public sealed record EchoRequest(string Text, int Count);

public sealed record EchoReply(string Text, string ActorId, int Count);

public sealed record Note(string Text, int Version);

public sealed record Caption(string Text, int Segment);

/// <summary>What the app saw, kept outside the actors (which come and go).</summary>
public sealed class EchoLog
{
    public ConcurrentQueue<(string ActorId, string Name, string State)> Reminders { get; } = new();

    public ConcurrentQueue<(string ActorId, string Data)> Timers { get; } = new();

    public ConcurrentQueue<(string Route, Caption Caption, string? ContentType)> Events { get; } = new();

    public ConcurrentQueue<string> Activations { get; } = new();

    /// <summary>How many times the topic route answers RETRY before it takes an event (per segment).</summary>
    public ConcurrentDictionary<int, int> RetriesLeft { get; } = new();
}

public sealed class EchoActor(ActorHost host, EchoLog log) : Actor(host), IEchoActor, IRemindable
{
    protected override Task OnActivateAsync()
    {
        log.Activations.Enqueue(Id.GetId());
        return Task.CompletedTask;
    }

    public Task<EchoReply> EchoAsync(EchoRequest request) => Task.FromResult(new EchoReply(request.Text, Id.GetId(), request.Count + 1));

    // The state manager writes at the end of the turn, in one transaction.
    public Task SaveNoteAsync(Note note) => StateManager.SetStateAsync("note", note);

    public async Task<Note?> ReadNoteAsync()
    {
        var note = await StateManager.TryGetStateAsync<Note>("note");
        return note.HasValue ? note.Value : null;
    }

    public async Task ScheduleAsync(string name)
    {
        await RegisterReminderAsync(name, Encoding.UTF8.GetBytes("state of " + name), TimeSpan.FromHours(1), TimeSpan.FromHours(1));
        await RegisterTimerAsync(name, nameof(OnTimerAsync), Encoding.UTF8.GetBytes("timer data " + name), TimeSpan.FromHours(1), TimeSpan.FromHours(1));
    }

    public Task FailAsync() => throw new InvalidOperationException("the echo actor was asked to fail");

    public Task ReceiveReminderAsync(string reminderName, byte[] state, TimeSpan dueTime, TimeSpan period)
    {
        log.Reminders.Enqueue((Id.GetId(), reminderName, Encoding.UTF8.GetString(state)));
        return Task.CompletedTask;
    }

    public Task OnTimerAsync(byte[] data)
    {
        log.Timers.Enqueue((Id.GetId(), Encoding.UTF8.GetString(data)));
        return Task.CompletedTask;
    }
}

public static class EchoActorApp
{
    public const string Topic = "t";

    /// <summary>A per-host topic, subscribed at run time the way each Seva web host subscribes to seva-web-{hostId}.</summary>
    public const string HostTopic = "seva-web-h1";

    /// <summary>Builds and starts the app; on a TestServer unless <paramref name="url"/> is given.</summary>
    public static async Task<WebApplication> StartAsync(string sidecarEndpoint, string? url = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (url is null)
        {
            builder.WebHost.UseTestServer();
        }
        else
        {
            builder.WebHost.UseUrls(url);
        }

        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<EchoLog>();
        builder.Services.AddActors(options =>
        {
            options.Actors.RegisterActor<EchoActor>();
            options.HttpEndpoint = sidecarEndpoint;
            options.ActorIdleTimeout = TimeSpan.FromMinutes(5);
            options.DrainOngoingCallTimeout = TimeSpan.FromSeconds(30);
            options.DrainRebalancedActors = true;
        });

        var app = builder.Build();
        app.UseCloudEvents();
        app.MapActorsHandlers();
        app.MapSubscribeHandler();
        app.MapPost("/captions", [Topic("seva-pubsub", Topic)] (Caption caption, HttpRequest request, EchoLog log) => Take("/captions", caption, request, log));
        app.MapPost("/fanout", (Caption caption, HttpRequest request, EchoLog log) => Take("/fanout", caption, request, log))
            .WithTopic("seva-pubsub", HostTopic);
        await app.StartAsync();
        return app;
    }

    private static IResult Take(string route, Caption caption, HttpRequest request, EchoLog log)
    {
        if (log.RetriesLeft.TryGetValue(caption.Segment, out var left) && left > 0)
        {
            log.RetriesLeft[caption.Segment] = left - 1;
            return Results.Json(new { status = "RETRY" });
        }

        log.Events.Enqueue((route, caption, request.ContentType));
        return Results.Json(new { status = "SUCCESS" });
    }
}
