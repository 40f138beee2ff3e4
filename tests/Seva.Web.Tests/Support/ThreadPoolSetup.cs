using System.Runtime.CompilerServices;

namespace Seva.Web.Tests.Support;

/// <summary>This assembly runs real servers (decoders, sockets) beside bUnit renderers; on two cores
/// the thread pool grows too slowly for both, and a renderer's dispatcher can starve (bUnit's advice).</summary>
internal static class ThreadPoolSetup
{
    [ModuleInitializer]
    internal static void RaiseMinimum()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), io);
    }
}
