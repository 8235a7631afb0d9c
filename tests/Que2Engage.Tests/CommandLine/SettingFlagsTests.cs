using System.CommandLine;
using Que2Engage.Cli;
using Que2Engage.Cli.Commands;

namespace Que2Engage.Tests.CommandLine;

/// <summary>
/// The library names its settings in its own terms (TrainingOptions.Steps); the CLI shows them as the verb's flags
/// (--steps). These check the map itself, and that CLI users still see flags in the errors that name settings.
/// </summary>
public class SettingFlagsTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => CliRun.Capture(args);

    [Fact]
    public void EverySettingIsALibraryPropertyAndEveryFlagAnOptionOfSomeVerb()
    {
        Type[] types = [.. typeof(Que2EngageException).Assembly.GetTypes(), .. typeof(Que2Engage.Cluster.Membership).Assembly.GetTypes()];
        var flags = AllOptions(Program.BuildRoot()).SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet();
        foreach (var (setting, flag) in SettingFlags.Map)
        {
            var (typeName, property) = (setting[..setting.IndexOf('.')], setting[(setting.IndexOf('.') + 1)..]);
            var type = types.SingleOrDefault(t => t.Name == typeName);
            Assert.True(type is not null, $"{setting}: no library type {typeName}");
            Assert.True(type.GetProperty(property) is not null, $"{setting}: {typeName} has no property {property}");
            Assert.Contains(flag, flags);
        }
    }

    private static IEnumerable<Option> AllOptions(Command c) => c.Options.Concat(c.Subcommands.SelectMany(AllOptions));

    [Fact]
    public void DescribeReplacesWholeSettingNamesOnly()
    {
        var e = InvalidInputException.Setting("LogColumnMapping.RatingMap needs LogColumnMapping.Rating", "LogColumnMapping.Rating", "LogColumnMapping.RatingMap");
        Assert.Equal("--rating-map needs --rating-col", e.Describe(s => SettingFlags.Map[s]));
        Assert.Equal("LogColumnMapping.RatingMap needs --rating-col", e.Describe(s => s == "LogColumnMapping.Rating" ? "--rating-col" : null));
        Assert.Equal(e.Message, new InvalidInputException(e.Message).Describe(_ => "--x"));
    }

    [Fact]
    public void AVerbShowsOnlyItsOwnFlags()
    {
        var e = InvalidInputException.Setting("TrainingOptions.Threads must be ≥ 0 (got -1)", "TrainingOptions.Threads");
        var root = Program.BuildRoot();
        Command Verb(string name) => root.Subcommands.Single(c => c.Name == name);
        Assert.Equal("--threads must be ≥ 0 (got -1)", SettingFlags.Message(e, Verb("train")));
        Assert.Equal(e.Message, SettingFlags.Message(e, Verb("validate")));   // validate has no --threads
    }

    /// <summary>Issue #24 item 10: the model knobs train takes as flags are named by their flags, not "learning rate".</summary>
    [Theory]
    [InlineData("--lr must be finite and > 0 (got NaN)", "LearningRate", double.NaN)]
    [InlineData("--lr must be finite and > 0 (got 0)", "LearningRate", 0.0)]
    [InlineData("--head-lr must be finite and > 0 (got -1)", "HeadLearningRate", -1.0)]
    [InlineData("--batch must be ≥ 2 (got -1)", "BatchSize", -1)]
    [InlineData("--d-model (16) must be a positive multiple of --heads (3)", "Heads", 3)]
    [InlineData("--ffn must be > 0 (got 0)", "Ffn", 0)]
    [InlineData("--query-layers must be ≥ 1 (got 0)", "QueryLayers", 0)]
    [InlineData("--text-layers must be ≥ 0 (got -1)", "TextLayers", -1)]
    [InlineData("--fusion-layers must be ≥ 1 (got 0)", "FusionLayers", 0)]
    [InlineData("--dim must be > 0 (got 0)", "Dim", 0)]
    [InlineData("--query-tokens must be ≥ 2 (got 1)", "QueryMaxTokens", 1)]
    [InlineData("--doc-tokens must be ≥ 2 (got 1)", "DocMaxTokens", 1)]
    public void ModelConfigErrorsNameTrainsFlags(string expected, string property, object value)
    {
        var config = new Que2Engage.Modeling.ModelConfig { DModel = 16, Heads = 2 };
        var prop = typeof(Que2Engage.Modeling.ModelConfig).GetProperty(property)!;
        var type = Nullable.GetUnderlyingType(prop.PropertyType) ?? prop.PropertyType;
        var copy = config with { };
        prop.SetValue(copy, Convert.ChangeType(value, type, System.Globalization.CultureInfo.InvariantCulture));
        var e = Assert.Throws<InvalidInputException>(copy.Validate);
        var train = Program.BuildRoot().Subcommands.Single(c => c.Name == "train");
        Assert.Equal(expected, SettingFlags.Message(e, train));
    }

    [Fact]
    public void IndexOptionErrorsNameTheIndexFlags()
    {
        var e = Assert.Throws<InvalidInputException>(new Que2Engage.Retrieval.IndexBuildOptions
        {
            Kind = Que2Engage.Retrieval.VectorIndexKind.Flat, Quantization = Que2Engage.Retrieval.VectorQuantization.Int8,
        }.Validate);
        Assert.StartsWith("IndexBuildOptions.Quantization int8 needs an HNSW index (IndexBuildOptions.Kind hnsw)", e.Message);
        var index = Program.BuildRoot().Subcommands.Single(c => c.Name == "index");
        Assert.StartsWith("--quantize int8 needs an HNSW index (--kind hnsw)", SettingFlags.Message(e, index));
        e = Assert.Throws<InvalidInputException>(new Que2Engage.Retrieval.IndexBuildOptions { Threads = 0 }.Validate);
        Assert.Equal("--threads must be at least 1 (got 0).", SettingFlags.Message(e, index));
    }

    [Theory]
    [InlineData("--steps must be > 0 (got 0)", "train", "--data", "d", "--out", "o", "--steps", "0")]
    [InlineData("--checkpoint-every must be > 0 (got 0)", "train", "--data", "d", "--out", "o", "--checkpoint-every", "0")]
    [InlineData("--engagement-gradient must be in [0, 1] (got 2)", "train", "--data", "d", "--out", "o", "--engagement-gradient", "2")]
    [InlineData("--context applies to the que2search document tower", "train", "--data", "d", "--out", "o", "--context", "--recipe", "paper")]
    [InlineData("--modality-dropout applies to the que2engage document tower", "train", "--data", "d", "--out", "o", "--modality-dropout", "--model", "que2search")]
    [InlineData("--init needs --tokenizer-model", "train", "--data", "d", "--out", "o", "--init", "xlmr.safetensors")]
    [InlineData("--products must be at least 1 (got 0).", "generate", "--out", "g", "--products", "0")]
    [InlineData("--sessions must not be negative (got -1).", "generate", "--out", "g", "--sessions", "-1")]
    [InlineData("--eval-fraction must be between 0 and 1 (got 2)", "import", "--format", "csv", "--input", "x.csv", "--out", "i", "--engaged-col", "c", "--eval-fraction", "2")]
    [InlineData("--rating-map needs --rating-col", "import", "--format", "csv", "--input", "x.csv", "--out", "i", "--engaged-col", "c", "--rating-map", "1-4")]
    [InlineData("give --engaged-col (impressions) and/or --rating-col", "import", "--format", "csv", "--input", "x.csv", "--out", "i")]
    [InlineData("give --primary or --redis, not both.", "silo", "--index", "x", "--shards", "0", "--name", "a", "--primary", "127.0.0.1:11111", "--redis", "127.0.0.1:6379")]
    public void LibrarySettingErrorsNameTheVerbsFlags(string expected, params string[] args)
    {
        var (code, _, err) = Run(args);
        Assert.Equal(2, code);
        Assert.StartsWith("error: " + expected, err);
        Assert.DoesNotContain("Options.", err);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("--rows: '9' is not a row number between 1 and 8.", "ablation", "--data", "d", "--out", "o", "--rows", "1,9")]
    [InlineData("--lambdas: 'x' is not a number between 0 and 1.", "ablation", "--data", "d", "--out", "o", "--lambdas", "0.5,x")]
    [InlineData("--seeds must be at least 1 (got 0).", "ablation", "--data", "d", "--out", "o", "--seeds", "0")]
    [InlineData("--engagement-weights: 'NaN' is not a finite number.", "evaluate", "--data", "d", "--model", "m", "--engagement-weights", "0,NaN")]
    [InlineData("--format must be esci, csv, jsonl or parquet (got 'xml').", "import", "--format", "xml", "--out", "i")]
    [InlineData("--rating-map '4-1': expected a table like", "import", "--format", "csv", "--input", "x.csv", "--out", "i", "--rating-map", "4-1")]
    [InlineData("--shards must be in 1..1024 (got 0).", "index", "--data", "d", "--model", "m", "--out", "x", "--shards", "0")]
    [InlineData("--mode must be hybrid, ebr or lexical (got 'fast').", "bench", "serve", "--mode", "fast")]
    [InlineData("--batching: 'maybe' is not on or off.", "bench", "serve", "--batching", "off,maybe")]
    [InlineData("--ef: '0' is not an integer ≥ 1.", "bench", "index", "--ef", "10,0")]
    [InlineData("--quantize must be none, float or int8 (got 'int4').", "bench", "index", "--quantize", "int4")]
    [InlineData("--data must be random or clustered (got 'gaussian').", "bench", "index", "--data", "gaussian")]
    [InlineData("--preset must be small or paper (got 'huge').", "bench", "query-latency", "--preset", "huge")]
    [InlineData("--model must be que2engage or que2search (got 'bert').", "bench", "train", "--model", "bert")]
    [InlineData("--optimizer must be adam or lazy-adam (got 'sgd').", "bench", "train", "--optimizer", "sgd")]
    [InlineData("--peer must be torch (got 'jax').", "bench", "train", "--peer", "jax")]
    [InlineData("--min-price: 'min_price' must be a number in 0..", "search", "--index", "i", "--query", "q", "--min-price", "cheap")]
    [InlineData("--condition: 'condition' must be new, like_new, good, fair or unknown (got 'broken').", "search", "--index", "i", "--query", "q", "--condition", "good,broken")]
    [InlineData("--has-photo: 'has_photo' must be true or false (got 'maybe').", "search", "--index", "i", "--query", "q", "--has-photo", "maybe")]
    public void BadValuesAreOneParseErrorNamingTheFlag(string expected, params string[] args)
    {
        var (code, _, err) = Run(args);
        Assert.Equal(2, code);
        var lines = err.Trim().Split('\n');
        Assert.StartsWith("error: " + expected, lines[0]);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("Run 'que2engage ", lines[1]);
    }

    [Fact]
    public void ListsAndChoicesBindTypedValues()
    {
        var p = Program.BuildRoot().Parse(["ablation", "--data", "d", "--out", "o", "--rows", "3,1", "--rows", "8", "--lambdas", "0.2, 1"]);
        Assert.Empty(p.Errors);
        Assert.Equal(new[] { 3, 1, 8 }, p.GetValue<int[]>("--rows"));
        Assert.Equal(new[] { 0.2, 1.0 }, p.GetValue<double[]>("--lambdas"));
        Assert.Equal(new[] { true, false }, Program.BuildRoot().Parse(["bench", "serve"]).GetValue<bool[]>("--batching"));
        Assert.Equal(new[] { true }, Program.BuildRoot().Parse(["bench", "serve", "--batching", "on"]).GetValue<bool[]>("--batching"));
        Assert.Equal(1.0, Program.BuildRoot().Parse(["bench", "serve"]).GetValue<double>("--batch-wait-ms"));
        Assert.Equal("--batch-wait-ms must be ≥ 0 (got -1).", Assert.Single(Program.BuildRoot().Parse(["bench", "serve", "--batch-wait-ms", "-1"]).Errors).Message);
        Assert.Equal(new[] { 10, 20, 40, 80, 160 }, Program.BuildRoot().Parse(["bench", "index"]).GetValue<int[]>("--ef"));
        var import = Program.BuildRoot().Parse(["import", "--format", "CSV", "--out", "i", "--rating-map", "1-5"]);
        Assert.Empty(import.Errors);
        Assert.Equal("csv", import.GetValue<string?>("--format"));
        Assert.Equal("1-5", import.GetValue<Que2Engage.Data.Import.RatingMap?>("--rating-map")!.Spec);
        Assert.Contains(Program.BuildRoot().Parse(["import", "--out", "i"]).Errors, e => e.Message.Contains("--format"));   // still required
    }
}
