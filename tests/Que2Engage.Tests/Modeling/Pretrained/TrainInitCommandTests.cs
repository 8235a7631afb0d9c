using Que2Engage.Tests.CommandLine;
using Que2Engage.Cli;
using Que2Engage.Tests.Data;
using Que2Engage.Tests.Data.Import;

namespace Que2Engage.Tests.Modeling.Pretrained;

/// <summary>The pretrained path end to end: import ESCI → train --init (tiny XLM-R checkpoint + SentencePiece) → evaluate.</summary>
public sealed class TrainInitCommandTests : IDisposable
{
    readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    static (int Code, string Out, string Err) Run(params string[] args) => CliRun.Capture(args);

    [Fact]
    public void TrainsFromACheckpointAndEvaluates()
    {
        var spm = Path.Combine(AppContext.BaseDirectory, "Text", "Fixtures", "tiny_xlmr.model");
        var ckpt = _dir.File("xlmr.safetensors");
        // 120 pieces + 2 = 122 rows; 66 positions cover the small preset's 64 document tokens + XLM-R's 2 offset rows.
        TinyXlmRobertaCheckpoint.Write(ckpt, TinyXlmRobertaCheckpoint.Create(vocab: 122, d: 32, ffn: 64, layers: 3, maxPositions: 66));
        var data = _dir.File("esci");
        Assert.Equal(0, Run("import", "--format", "esci", "--examples", ImportFixtures.Path("esci_examples.csv"),
            "--products", ImportFixtures.Path("esci_products.csv"), "--locale", "us", "--out", data, "--eval-fraction", "0.3").Code);

        string[] Train(string outDir, int fusionLayers) => ["train", "--data", data, "--out", _dir.File(outDir), "--model", "que2engage",
            "--objective", "contrastive", "--steps", "3", "--d-model", "32", "--heads", "2", "--ffn", "64", "--dim", "16",
            "--fusion-layers", fusionLayers.ToString(), "--threads", "1", "--batch", "8"];
        var train = Train("m", fusionLayers: 2);
        var noTokenizer = Run([.. train, "--init", ckpt]);
        Assert.Equal(2, noTokenizer.Code);
        Assert.Contains("--init needs --tokenizer-model", noTokenizer.Err);

        var trained = Run([.. train, "--init", ckpt, "--tokenizer-model", spm]);
        Assert.True(trained.Code == 0, trained.Out + trained.Err);
        Assert.Contains("trained que2engage (contrastive) for 3 steps", trained.Out);

        var evaluate = Run("evaluate", "--data", data, "--model", _dir.File("m"));
        Assert.True(evaluate.Code == 0, evaluate.Out + evaluate.Err);

        // The model directory is self-contained: the SentencePiece model is copied in and referenced relatively,
        // so the directory still loads after it is moved.
        Assert.True(File.Exists(Path.Combine(_dir.File("m"), "tokenizer.model")));
        Assert.Contains("\"tokenizer.model\"", File.ReadAllText(Path.Combine(_dir.File("m"), "config.json")));
        Directory.Move(_dir.File("m"), _dir.File("moved"));
        var moved = Run("evaluate", "--data", data, "--model", _dir.File("moved"));
        Assert.True(moved.Code == 0, moved.Out + moved.Err);

        var tooFewLayers = Run([.. Train("m2", fusionLayers: 4), "--init", ckpt, "--tokenizer-model", spm]);
        Assert.Equal(2, tooFewLayers.Code);
        Assert.Contains("the checkpoint has 3", tooFewLayers.Err);
    }

    [Fact]
    public void TrainsFromMiniLmAndEvaluatesTheFrozenEncoderWithLexicalBaselines()
    {
        var data = _dir.File("esci");
        Assert.Equal(0, Run("import", "--format", "esci", "--examples", ImportFixtures.Path("esci_examples.csv"),
            "--products", ImportFixtures.Path("esci_products.csv"), "--locale", "us", "--out", data, "--eval-fraction", "0.3").Code);

        var trained = Run("train", "--data", data, "--out", _dir.File("m"), "--model", "que2search", "--objective", "contrastive",
            "--steps", "2", "--batch", "4", "--dim", "16", "--query-tokens", "8", "--doc-tokens", "12", "--threads", "1", "--init", "minilm");
        Assert.True(trained.Code == 0, trained.Out + trained.Err);
        var config = File.ReadAllText(Path.Combine(_dir.File("m"), "config.json"));
        Assert.Contains("\"d_model\": 384", config);                  // sizes from the checkpoint
        Assert.Contains("\"heads\": 12", config);
        Assert.Contains("\"kind\": \"wordpiece\"", config);
        Assert.Contains("\"mean_pooling\": true", config);
        Assert.Contains("\"learning_rate\": 5E-05", config);             // the pretrained layers' fine-tuning rate
        Assert.Contains("\"head_learning_rate\": 0.001", config);         // the new parts' rate
        Assert.Contains("\"text_residual\": false", config);             // --dim 16 ≠ 384: a plain projection
        Assert.True(File.Exists(Path.Combine(_dir.File("m"), "tokenizer.model")));   // the vocabulary travels with the model
        var evaluate = Run("evaluate", "--data", data, "--model", _dir.File("m"));
        Assert.True(evaluate.Code == 0, evaluate.Out + evaluate.Err);

        var frozen = Run("evaluate", "--data", data, "--model", "pretrained-minilm", "--lexical", "--json", _dir.File("frozen.json"));
        Assert.True(frozen.Code == 0, frozen.Out + frozen.Err);
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(_dir.File("frozen.json")))!;
        foreach (var key in new[] { "relevance_auc", "bm25_relevance_auc", "hybrid_relevance_auc" })
        {
            double auc = json[key]!.GetValue<double>();
            Assert.InRange(auc, 0, 1);
        }

        var badHeads = Run("train", "--data", data, "--out", _dir.File("m2"), "--model", "que2search", "--steps", "1",
            "--heads", "4", "--init", "minilm");
        Assert.Equal(2, badHeads.Code);
        Assert.Contains("12 attention heads", badHeads.Err);
    }
}
