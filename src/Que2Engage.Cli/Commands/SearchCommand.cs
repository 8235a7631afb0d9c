using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Que2Engage.Modeling;
using Que2Engage.Retrieval;

namespace Que2Engage.Cli.Commands;

/// <summary><c>search --index DIR --query "..." [-k 10] [--mode hybrid|ebr|lexical] [--ef N] [--model DIR] [--json]</c>
/// [--min-price X] [--max-price X] [--condition C]… [--category C] [--max-distance-km X] [--min-seller-rating X] [--has-photo true|false].</summary>
public static class SearchCommand
{
    public static Command Create(ModelLoader loadModel)
    {
        var index = new Option<string>("--index") { Description = "Index directory written by 'index'.", Required = true };
        var query = new Option<string>("--query", "-q") { Description = "The search query.", Required = true };
        var k = new Option<int>("-k", "--k") { Description = "Number of results.", DefaultValueFactory = _ => 10 };
        var mode = CliOptions.Mode();
        var ef = new Option<int?>("--ef") { Description = "HNSW beam width for this query (default: the index's)." };
        var model = new Option<string?>("--model") { Description = "Model directory (default: the one recorded in the index manifest)." };
        var engagementWeight = new Option<double?>("--engagement-weight") { Description = "Models with the engagement prior: the relevance ↔ engagement dial w (vector score κ + w·g/s; 0 = relevance only, default 1 = the model's engagement logit)." };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON." };
        var cmd = new Command("search", "Search an index (hybrid, ebr or lexical), optionally filtered.") { index, query, k, mode, ef, model, engagementWeight, json };
        var filters = new FilterOptions();
        filters.AddTo(cmd);
        cmd.SetAction(p => Verbs.Run(p, () =>
        {
            var searchMode = p.GetValue(mode);
            var filter = filters.Parse(p);
            int top = p.GetValue(k);
            // The server's rules, named as flags: one set of input rules for CLI and HTTP.
            var rules = new Que2Engage.Serving.SearchServerOptions();
            var names = new Que2Engage.Serving.SearchRequest.InputNames("--query", "-k", "--ef");
            if ((Que2Engage.Serving.SearchRequest.CheckQuery(p.GetValue(query), rules, names)
                 ?? Que2Engage.Serving.SearchRequest.CheckK(top, rules, names)
                 ?? Que2Engage.Serving.SearchRequest.CheckEf(p.GetValue(ef), rules, names)) is { } invalid)
                throw new InvalidInputException(invalid.TrimEnd('.') + $" (got {Describe(p.GetValue(query)!, top, p.GetValue(ef), invalid)})");
            using var catalog = CatalogIndex.Open(p.GetValue(index)!);
            var text = p.GetValue(query)!;
            float[]? vector = null;
            if (searchMode != SearchMode.Lexical)
            {
                var modelDir = p.GetValue(model) ?? catalog.Manifest.ModelPath
                    ?? throw new InvalidInputException("The index does not record its model; pass --model (or use --mode lexical).");
                var embedder = loadModel(modelDir);
                EngagementWeight.Apply(embedder, p.GetValue(engagementWeight));
                try { vector = catalog.EmbedQuery(embedder, text); }
                finally { (embedder as IDisposable)?.Dispose(); }
            }
            var hits = catalog.Search(text, vector, top, searchMode, p.GetValue(ef), filter);
            Print(hits, p.GetValue(json), p.InvocationConfiguration.Output);
            return 0;
        }));
        return cmd;
    }

    private static string Describe(string query, int k, int? ef, string error) =>
        error.StartsWith("--query") ? $"\"{(query.Length > 40 ? query[..40] + "…" : query)}\"" : error.StartsWith("-k") ? k.ToString() : ef.ToString()!;

    internal static void Print(IReadOnlyList<CatalogHit> hits, bool json, TextWriter o)
    {
        if (json)
        {
            o.WriteLine(JsonSerializer.Serialize(hits.Select(SearchHitView.From), new JsonSerializerOptions { WriteIndented = true }));
            return;
        }
        if (hits.Count == 0) { o.WriteLine("no results"); return; }
        o.WriteLine($"{"#",3}  {"score",8}  {"source",-11}  {"price",9}  {"condition",-9}  {"rating",6}  title [id]");
        foreach (var h in hits)
        {
            var rating = h.Product.SellerRating is double r ? r.ToString("F1", CultureInfo.InvariantCulture) : "-";
            o.WriteLine($"{h.Rank,3}  {h.Score,8:F4}  {string.Join('+', h.Sources.ToWire()),-11}  {h.Product.Price,9:F2}  {h.Product.Condition,-9}  {rating,6}  {h.Product.Title} [{h.Product.ProductId}]");
        }
    }
}
