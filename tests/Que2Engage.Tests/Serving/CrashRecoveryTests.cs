using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Que2Engage.Data;
using Que2Engage.Modeling;
using Que2Engage.Retrieval;
using Que2Engage.Tests.Retrieval;
using TorchSharp;

namespace Que2Engage.Tests.Serving;

/// <summary>
/// Durability end to end: the real CLI server in its own process, killed with SIGKILL (kill -9) by PID while
/// clients write, restarted on the same index: every acknowledged write is there and the index opens.
/// </summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private const string Key = "crash-test-write-key-0123456789";
    private readonly string _root = VectorData.TempDir();
    private readonly List<Process> _started = new();

    public void Dispose()
    {
        foreach (var p in _started)
        {
            try { if (!p.HasExited) p.Kill(); p.WaitForExit(5000); } catch (InvalidOperationException) { }
            p.Dispose();
        }
        Directory.Delete(_root, recursive: true);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Starts <c>que2engage serve</c> (the CLI assembly next to the tests) and waits until it listens.</summary>
    private async Task<(Process Process, HttpClient Http)> StartServer(string index, string keyFile)
    {
        int port = FreePort();
        var cli = Path.Combine(AppContext.BaseDirectory, "Que2Engage.Cli.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { cli, "serve", "--index", index, "--write-key-file", keyFile, "--port", port.ToString() }) start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        _started.Add(process);
        var stderr = process.StandardError.ReadToEndAsync();
        var ready = process.StandardOutput.ReadLineAsync();
        if (await Task.WhenAny(ready, Task.Delay(TimeSpan.FromSeconds(90))) != ready || ready.Result is null || !ready.Result.StartsWith("serving"))
        {
            if (!process.HasExited) process.Kill();
            throw new Xunit.Sdk.XunitException($"the server did not start: {(ready.IsCompleted ? ready.Result : "timeout")} {await stderr}");
        }
        _ = process.StandardOutput.ReadToEndAsync();
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return (process, http);
    }

    [Fact]
    public async Task Kill9DuringWritesLosesNoAcknowledgedWrite()
    {
        // A small untrained model saved like a trained one, so the CLI process loads it as it would in production.
        torch.manual_seed(1);
        var products = TestCatalog.Small().Concat(TestCatalog.Generated(100, 5)).ToList();
        var modelDir = Path.Combine(_root, "model");
        var config = new ModelConfig
        {
            DModel = 16, Heads = 2, Ffn = 32, QueryLayers = 1, FusionLayers = 1, Dim = 8, QueryMaxTokens = 16, DocMaxTokens = 16,
            Tokenizer = new() { VocabSize = 256, TrigramBuckets = 256 },
        };
        using (var model = new TwoTowerModel(config, ContextStatistics.FromCatalogue(products)))
        {
            model.eval();
            ModelStore.Save(model, modelDir);
            CatalogIndex.Build(products, model, Path.Combine(_root, "idx"), new IndexBuildOptions { M = 8, EfConstruction = 40, ModelPath = modelDir });
        }
        var keyFile = Path.Combine(_root, "key.txt");
        File.WriteAllText(keyFile, Key + "\n");
        var index = Path.Combine(_root, "idx");

        var (server, http) = await StartServer(index, keyFile);
        var acknowledged = new System.Collections.Concurrent.ConcurrentDictionary<string, double>();
        var deleted = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        using var killed = new CancellationTokenSource();
        async Task Writer(int w)
        {
            for (int i = 0; !killed.IsCancellationRequested; i++)
            {
                string id = $"c{w}-{i % 25}";
                try
                {
                    if (i % 7 == 6)
                    {
                        var r = await http.DeleteAsync($"/products/{id}", killed.Token);
                        if (r.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.NotFound) { acknowledged.TryRemove(id, out _); deleted[id] = true; }
                    }
                    else
                    {
                        double price = 1 + i;
                        var r = await http.PutAsJsonAsync($"/products/{id}", new
                        {
                            product_id = id, title = $"crash test lamp {w} {i}", language = "en", price, condition = "good",
                            seller_rating_count = 0, photo_count = 1, listing_age_days = 0.5,
                        }, killed.Token);
                        if (r.IsSuccessStatusCode) { acknowledged[id] = price; deleted.TryRemove(id, out _); }
                    }
                }
                catch (Exception) { /* failed or in flight at the kill: not acknowledged */ }
            }
        }
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() => Writer(w))).ToArray();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (acknowledged.Count + deleted.Count < 60 && DateTime.UtcNow < deadline) await Task.Delay(20);
        server.Kill();                       // SIGKILL by PID: no shutdown code runs
        killed.Cancel();
        await server.WaitForExitAsync();
        await Task.WhenAll(writers);
        http.Dispose();
        Assert.True(acknowledged.Count + deleted.Count >= 60, $"only {acknowledged.Count} writes were acknowledged before the kill");

        var (restarted, http2) = await StartServer(index, keyFile);
        using (http2)
        {
            foreach (var (id, price) in acknowledged)
            {
                var doc = await http2.GetFromJsonAsync<JsonElement>($"/products/{id}");
                Assert.Equal(price, doc.GetProperty("price").GetDouble());
            }
            foreach (var id in deleted.Keys)
                Assert.Equal(HttpStatusCode.NotFound, (await http2.GetAsync($"/products/{id}")).StatusCode);
            var search = await http2.GetFromJsonAsync<JsonElement>($"/search?q={Uri.EscapeDataString("crash test lamp")}&k=50&mode=lexical");
            Assert.NotEqual(0, search.GetProperty("hits").GetArrayLength());
        }
        restarted.Kill();
        await restarted.WaitForExitAsync();
    }
}
