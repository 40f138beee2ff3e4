namespace Seva.Web.Tests.Support;

/// <summary>A test class with its own real server (on the default settings unless given).</summary>
public abstract class ServerTest(IDictionary<string, string?>? settings = null) : IAsyncLifetime
{
    protected SevaServer Server { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Server = new SevaServer(settings);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
