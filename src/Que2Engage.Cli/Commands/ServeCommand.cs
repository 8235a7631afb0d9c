using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Que2Engage.Modeling;
using Que2Engage.Retrieval;
using Que2Engage.Serving;

namespace Que2Engage.Cli.Commands;

/// <summary><c>serve --index DIR [--model DIR] [--host 127.0.0.1] [--port 8080] [--no-batching]</c>: the HTTP API and search page until Ctrl+C.</summary>
public static class ServeCommand
{
    public static Command Create(ModelLoader loadModel)
    {
        var index = new Option<string>("--index") { Description = "Index directory written by 'index'.", Required = true };
        var model = new Option<string?>("--model") { Description = "Model directory (default: the one recorded in the index; none → lexical only)." };
        var engagementWeight = new Option<double?>("--engagement-weight") { Description = "Models with the engagement prior: the relevance ↔ engagement dial w (vector score κ + w·g/s; 0 = relevance only, default 1 = the model's engagement logit)." };
        var host = new Option<string>("--host") { Description = "IP address to listen on.", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "TCP port.", DefaultValueFactory = _ => 8080 };
        var keyFile = new Option<string?>("--write-key-file")
        {
            Description = "File holding the bearer key that turns on PUT/DELETE /products/{id} (writes are off without it).",
        };
        var noBatching = new Option<bool>("--no-batching") { Description = "Embed each /search query alone instead of batching concurrent queries (≤ 32, ≤ 1 ms wait)." };
        var threads = CliOptions.Threads("libtorch threads per query-embedding call (concurrent requests already share the cores).", defaultValue: 1);
        var cmd = new Command("serve", "Serve hybrid search over HTTP with a search page.") { index, model, engagementWeight, host, port, keyFile, noBatching, threads };
        ServeClusterMode.AddTo(cmd);
        cmd.SetAction(p => Verbs.Run(p, () =>
        {
            var writeKey = p.GetValue(keyFile) is { } f ? ReadWriteKey(f) : null;
            TorchRuntime.Configure(p.GetValue(threads));
            if (ServeClusterMode.Applies(p, p.GetValue(index)!))
                return ServeClusterMode.Run(p, p.GetValue(index)!, p.GetValue(model), loadModel, p.GetValue(engagementWeight),
                    new SearchServerOptions { Host = p.GetValue(host)!, Port = p.GetValue(port), WriteKey = writeKey });
            using var catalog = writeKey is null ? CatalogIndex.Open(p.GetValue(index)!) : CatalogIndex.OpenWritable(p.GetValue(index)!);
            var modelDir = p.GetValue(model) ?? catalog.Manifest.ModelPath;
            IEmbeddingModel? embedder = modelDir is null ? null : loadModel(modelDir);
            EngagementWeight.Apply(embedder, p.GetValue(engagementWeight));
            try
            {
                if (writeKey is not null && embedder is null)
                    throw new InvalidInputException("--write-key-file needs a model to embed new listings; pass --model (the index records none).");
                var serverOptions = new SearchServerOptions { Host = p.GetValue(host)!, Port = p.GetValue(port), WriteKey = writeKey, QueryBatching = !p.GetValue(noBatching) };
                var app = SearchServer.Build(catalog, embedder, serverOptions);
                SearchServer.Start(app, serverOptions);
                p.InvocationConfiguration.Output.WriteLine(
                    $"serving {catalog.Count:N0} products ({(embedder is null ? "lexical only: no model" : "hybrid")}{(writeKey is null ? "" : ", writes on")}) on {string.Join(", ", app.Urls)} — Ctrl+C to stop");
                app.WaitForShutdown();
            }
            finally
            {
                (embedder as IDisposable)?.Dispose();
            }
            return 0;
        }));
        return cmd;
    }

    /// <summary>The key is the file's first line, trimmed; at least 16 characters so it cannot be guessed by trying.</summary>
    internal static string ReadWriteKey(string path)
    {
        if (!File.Exists(path)) throw new InvalidInputException($"{path}: the write key file does not exist.");
        var key = (File.ReadLines(path).FirstOrDefault() ?? "").Trim();
        if (key.Length < 16) throw new InvalidInputException($"{path}: the write key must be at least 16 characters (got {key.Length}).");
        return key;
    }
}
