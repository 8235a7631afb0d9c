using System.Net;
using System.Net.Sockets;
using Que2Engage.Retrieval;
using Que2Engage.Tests.Retrieval;

namespace Que2Engage.Tests.Reliability;

/// <summary>Issue 15 item 8: serve on a port already in use is one line naming the port.</summary>
public sealed class ServeFaultTests : IDisposable
{
    private readonly Scratch _s = new();

    public void Dispose() => _s.Dispose();

    [Fact]
    public void PortInUseIsOneLineNamingThePort()
    {
        CatalogIndex.Build(TestCatalog.Small(), new TrigramEmbedder(), _s["idx"], new IndexBuildOptions { Kind = VectorIndexKind.Flat });
        var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var console = (Console.Out, Console.Error);
        var captured = new StringWriter();
        try
        {
            int port = ((IPEndPoint)busy.LocalEndpoint).Port;
            Console.SetOut(captured);
            Console.SetError(captured);
            var run = Faults.Cli("serve", "--index", _s["idx"], "--port", port.ToString());
            Faults.AssertUserError(run, $"port {port} on 127.0.0.1 is already in use");
            Assert.Single(run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            Console.SetOut(console.Out);
            Console.SetError(console.Error);
            busy.Stop();
        }
        Assert.DoesNotContain("   at ", captured.ToString());
        Assert.DoesNotContain("Exception", captured.ToString());
    }
}
