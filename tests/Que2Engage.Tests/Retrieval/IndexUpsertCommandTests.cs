using Que2Engage.Tests.CommandLine;
using System.Text.Json;
using Que2Engage.Cli;
using Que2Engage.Cli.Commands;
using Que2Engage.Data;
using Que2Engage.Retrieval;

namespace Que2Engage.Tests.Retrieval;

/// <summary><c>index --upsert/--delete</c> and the filter flags of <c>search</c> through Program.Run.</summary>
public class IndexUpsertCommandTests : IDisposable
{
    private readonly string _root = VectorData.TempDir();
    private string Idx => Path.Combine(_root, "idx");

    public IndexUpsertCommandTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "data"));
        using (var w = DataWriters.Products(Path.Combine(_root, "data", "products.jsonl")))
            foreach (var p in TestCatalog.Small()) w.Write(p);
        var (code, _, err) = Run("index", "--data", Path.Combine(_root, "data"), "--model", "m", "--out", Idx, "--m", "8");
        Assert.True(code == 0, err);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRun.Capture(_ => new TrigramEmbedder(64), args);

    private static List<string> JsonIds(string output) =>
        JsonDocument.Parse(output).RootElement.EnumerateArray().Select(h => h.GetProperty("product_id").GetString()!).ToList();

    [Fact]
    public void UpsertAndDeleteOfflineThenSearchSeesThem()
    {
        var file = Path.Combine(_root, "changes.jsonl");
        using (var w = DataWriters.Products(file))
        {
            w.Write(TestCatalog.P("p1", "Red leather sofa", "Three seat couch", "furniture", price: 45));
            w.Write(TestCatalog.P("n1", "Turquoise velvet armchair", category: "furniture"));
        }
        var (code, output, err) = Run("index", "--out", Idx, "--upsert", file, "--delete", "p4,nope", "--model", "m");
        Assert.True(code == 0, err);
        Assert.Contains("upserted 2 (1 replaced), deleted 1 (1 ids were not in the index); 10 listings now", output);

        (code, output, err) = Run("search", "--index", Idx, "--query", "turquoise velvet armchair", "--json", "--model", "m");
        Assert.True(code == 0, err);
        Assert.Equal("n1", JsonIds(output)[0]);
        (_, output, _) = Run("search", "--index", Idx, "--query", "oak dining table", "-k", "20", "--json", "--model", "m");
        Assert.DoesNotContain("p4", JsonIds(output));
        (_, output, _) = Run("search", "--index", Idx, "--query", "sofa", "--json", "--model", "m", "--max-price", "50", "--condition", "good");
        Assert.Equal("p1", JsonIds(output)[0]);
        Assert.All(JsonIds(output), id => Assert.True(id is "p1" or "p9" or "p6"));   // the listings under 50
        Assert.Equal(0, IndexManifest.Read(Idx).Products - 10);                      // folded into a new generation
    }

    [Fact]
    public void BadFilterFlagsAndUpsertFilesGiveOneLineAndExitCode2()
    {
        var (code, _, err) = Run("search", "--index", Idx, "--query", "sofa", "--model", "m", "--min-seller-rating", "7");
        Assert.Equal(2, code);
        Assert.Contains("'min_seller_rating'", err);

        var bad = Path.Combine(_root, "bad.jsonl");
        File.WriteAllText(bad, "{\"product_id\":\"x\",\"title\":\"Lamp\",\"language\":\"en\",\"price\":-3,\"condition\":\"good\",\"seller_rating_count\":0,\"photo_count\":0,\"listing_age_days\":0}\n");
        (code, _, err) = Run("index", "--out", Idx, "--upsert", bad, "--model", "m");
        Assert.Equal(2, code);
        Assert.Contains("bad.jsonl:1: price: must be a finite number >= 0, got -3", err);

        (code, _, err) = Run("index", "--out", Idx);
        Assert.Equal(2, code);
        Assert.Contains("--data is required", err);

        var shortKey = Path.Combine(_root, "key");
        File.WriteAllText(shortKey, "short");
        (code, _, err) = Run("serve", "--index", Idx, "--write-key-file", shortKey);
        Assert.Equal(2, code);
        Assert.Contains("at least 16 characters", err);
    }
}
