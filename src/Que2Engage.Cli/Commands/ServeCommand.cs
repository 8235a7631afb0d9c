using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Que2Engage.Modeling;
using Que2Engage.Retrieval;
using Que2Engage.Serving;

namespace Que2Engage.Cli.Commands;

/// <summary><c>serve --index DIR [--model DIR] [--host 127.0.0.1] [--port 8080]</c>: the HTTP API and search page until Ctrl+C.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var index = new Option<string>("--index") { Description = "Index directory written by 'index'.", Required = true };
        var model = new Option<string?>("--model") { Description = "Model directory (default: the one recorded in the index; none → lexical only)." };
        var engagementWeight = new Option<double?>("--engagement-weight") { Description = "Models with the engagement prior: the relevance ↔ engagement dial w (vector score κ + w·g/s; 0 = relevance only, default 1 = the model's engagement logit)." };
        var host = new Option<string>("--host") { Description = "IP address to listen on.", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "TCP port.", DefaultValueFactory = _ => 8080 };
        var cmd = new Command("serve", "Serve hybrid search over HTTP with a search page.") { index, model, engagementWeight, host, port };
        cmd.SetAction(p => Verbs.Run(p, () =>
        {
            using var catalog = CatalogIndex.Open(p.GetValue(index)!);
            var modelDir = p.GetValue(model) ?? catalog.Manifest.ModelPath;
            IEmbeddingModel? embedder = modelDir is null ? null : IndexCommand.LoadModel(modelDir);
            IndexCommand.SetEngagementWeight(embedder, p.GetValue(engagementWeight));
            try
            {
                var serverOptions = new SearchServerOptions { Host = p.GetValue(host)!, Port = p.GetValue(port) };
                var app = SearchServer.Build(catalog, embedder, serverOptions);
                SearchServer.Start(app, serverOptions);
                p.InvocationConfiguration.Output.WriteLine(
                    $"serving {catalog.Count:N0} products ({(embedder is null ? "lexical only: no model" : "hybrid")}) on {string.Join(", ", app.Urls)} — Ctrl+C to stop");
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
}
