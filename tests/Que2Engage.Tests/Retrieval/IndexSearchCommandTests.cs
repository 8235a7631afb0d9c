using Que2Engage.Tests.CommandLine;
using System.Text.Json;
using Que2Engage.Cli;
using Que2Engage.Cli.Commands;
using Que2Engage.Data;

namespace Que2Engage.Tests.Retrieval;

/// <summary>The index and search verbs end to end through Program.Run, with the trigram embedder standing in for a trained model.</summary>
public class IndexSearchCommandTests : IDisposable
{
    private readonly string _root = VectorData.TempDir();

    public IndexSearchCommandTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "data"));
        using var w = DataWriters.Products(Path.Combine(_root, "data", "products.jsonl"));
        foreach (var p in TestCatalog.Small()) w.Write(p);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private (int Code, string Out, string Err) Run(params string[] args) => CliRun.Capture(_ => new TrigramEmbedder(64), args);

    [Fact]
    public void IndexThenSearchInEveryMode()
    {
        var idx = Path.Combine(_root, "idx");
        var (code, output, err) = Run("index", "--data", Path.Combine(_root, "data"), "--model", Path.Combine(_root, "model"), "--out", idx, "--kind", "hnsw", "--m", "8");
        Assert.True(code == 0, err);
        Assert.Contains("10 products", output);

        (code, output, err) = Run("search", "--index", idx, "--query", "red leather sofa", "-k", "3", "--json");
        Assert.True(code == 0, err);
        var hits = JsonDocument.Parse(output).RootElement;
        Assert.Equal(3, hits.GetArrayLength());
        Assert.Equal("p1", hits[0].GetProperty("product_id").GetString());
        Assert.Equal(JsonValueKind.Array, hits[0].GetProperty("sources").ValueKind);

        (code, output, _) = Run("search", "--index", idx, "--query", "canape", "--mode", "lexical");
        Assert.Equal(0, code);
        Assert.Contains("Canapé en cuir [p3]", output);
        Assert.Contains("lexical", output);
    }

    [Fact]
    public void UserMistakesGiveOneLineAndExitCode2()
    {
        var (code, _, err) = Run("search", "--index", Path.Combine(_root, "missing"), "--query", "x");
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", err);
        Assert.Single(err.Trim().Split('\n'));

        (code, _, err) = Run("index", "--data", Path.Combine(_root, "data"), "--model", "m", "--out", Path.Combine(_root, "i2"), "--kind", "annoy");
        Assert.Equal(2, code);
        Assert.Contains("--kind must be flat or hnsw (got 'annoy')", err);

        Run("index", "--data", Path.Combine(_root, "data"), "--model", "m", "--out", Path.Combine(_root, "i3"), "--kind", "flat");
        (code, _, err) = Run("search", "--index", Path.Combine(_root, "i3"), "--query", "x", "--mode", "semantic");
        Assert.Equal(2, code);
        Assert.Contains("--mode must be hybrid, ebr or lexical (got 'semantic')", err);
    }
}
