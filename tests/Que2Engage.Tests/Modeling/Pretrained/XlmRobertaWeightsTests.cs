using Que2Engage.Modeling;
using Que2Engage.Modeling.Pretrained;
using Que2Engage.Tests.Data;
using Que2Engage.Training;
using static TorchSharp.torch;

namespace Que2Engage.Tests.Modeling.Pretrained;

public sealed class XlmRobertaWeightsTests : IDisposable
{
    readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    const int Vocab = 40, D = 16, Ffn = 32, Layers = 4, MaxPositions = 40;

    static ModelConfig Config(ModelKind kind) => new()
    {
        Kind = kind, DModel = D, Heads = 2, Ffn = Ffn, QueryLayers = 2, TextLayers = 1, FusionLayers = 2,
        Que2SearchTextLayers = 2, Dim = 8, QueryMaxTokens = 8, DocMaxTokens = 12,
        Tokenizer = new() { VocabSize = Vocab, TrigramBuckets = 64 },
    };

    (string Path, Dictionary<string, TinyXlmRobertaCheckpoint.Tensor> Tensors) Checkpoint(string prefix = "", Action<Dictionary<string, TinyXlmRobertaCheckpoint.Tensor>>? edit = null)
    {
        var t = TinyXlmRobertaCheckpoint.Create(Vocab, D, Ffn, Layers, MaxPositions, prefix: prefix);
        edit?.Invoke(t);
        var path = _dir.File($"model{Guid.NewGuid():N}.safetensors");
        TinyXlmRobertaCheckpoint.Write(path, t);
        return (path, t);
    }

    static float[] Values(TwoTowerModel m, string name) =>
        m.named_parameters().First(p => p.name == name).parameter.detach().contiguous().data<float>().ToArray();

    static float[] Row(TinyXlmRobertaCheckpoint.Tensor t, int row) => t.Values.Skip(row * (int)t.Shape[1]).Take((int)t.Shape[1]).ToArray();

    [Fact]
    public void LoadsEveryMappedTensorExactly()
    {
        var (path, t) = Checkpoint(prefix: "roberta.");
        using var model = new TwoTowerModel(Config(ModelKind.Que2Engage), ContextStatistics.FromCatalogue([]));
        var report = XlmRobertaWeights.LoadInto(model, path);

        var words = Values(model, "queryTower.embed.tokens.weight");
        var src = t["roberta.embeddings.word_embeddings.weight"];
        Assert.Equal(Row(src, 1), words[..D]);                       // [PAD] ← <pad>
        Assert.Equal(Row(src, 0), words[D..(2 * D)]);                // [CLS] ← <s>
        Assert.Equal(src.Values[(2 * D)..], words[(2 * D)..]);       // every other row unchanged
        Assert.Equal(words, Values(model, "documentTower.embed.tokens.weight"));

        var positions = Values(model, "documentTower.embed.positions.weight");
        var pos = t["roberta.embeddings.position_embeddings.weight"];
        var type0 = t["roberta.embeddings.token_type_embeddings.weight"].Values;
        for (int p = 0; p < 12; p++)
            for (int j = 0; j < D; j++)
                Assert.Equal(pos.Values[(p + 2) * D + j] + type0[j], positions[p * D + j]);

        // Query layer 1 ← XLM-R layer 1; in_proj = [q; k; v].
        var inProj = Values(model, "queryTower.encoder.encoder.layers.1.self_attn.in_proj_weight");
        Assert.Equal(t["roberta.encoder.layer.1.attention.self.query.weight"].Values
            .Concat(t["roberta.encoder.layer.1.attention.self.key.weight"].Values)
            .Concat(t["roberta.encoder.layer.1.attention.self.value.weight"].Values), inProj);
        // K = 1 text layer ← layer 0; fusion layers 0, 1 ← XLM-R layers 1, 2.
        Assert.Equal(t["roberta.encoder.layer.0.intermediate.dense.weight"].Values, Values(model, "documentTower.textEncoder.encoder.layers.0.linear1.weight"));
        Assert.Equal(t["roberta.encoder.layer.1.output.dense.weight"].Values, Values(model, "documentTower.fusion.encoder.layers.0.linear2.weight"));
        Assert.Equal(t["roberta.encoder.layer.2.output.LayerNorm.bias"].Values, Values(model, "documentTower.fusion.encoder.layers.1.norm2.bias"));
        Assert.Equal(t["roberta.encoder.layer.2.attention.output.LayerNorm.weight"].Values, Values(model, "documentTower.fusion.encoder.layers.1.norm1.weight"));
        Assert.Equal(8 + 5 * 12, report.Copied.Count); // 2 towers × 4 embedding tensors + 5 layers × 12

        // A forward pass runs on the loaded weights.
        var q = model.EmbedQueries(["red sofa", ""]);
        Assert.All(q, v => Assert.All(v, x => Assert.True(float.IsFinite(x))));
        var d = model.EmbedProducts([new Que2Engage.Data.Product { ProductId = "p", Title = "red leather sofa", Description = "comfy" }]);
        Assert.Equal(8, d[0].Length);
    }

    [Fact]
    public void Que2SearchTextEncoderTakesTheFirstLayers()
    {
        var (path, t) = Checkpoint();
        using var model = new TwoTowerModel(Config(ModelKind.Que2Search), ContextStatistics.FromCatalogue([]));
        XlmRobertaWeights.LoadInto(model, path);
        Assert.Equal(t["encoder.layer.1.attention.output.dense.bias"].Values, Values(model, "documentTower.textEncoder.encoder.layers.1.self_attn.out_proj.bias"));
    }

    [Fact]
    public void MissingTensorIsNamed()
    {
        var (path, _) = Checkpoint(edit: t => t.Remove("encoder.layer.1.attention.self.key.bias"));
        using var model = new TwoTowerModel(Config(ModelKind.Que2Engage), ContextStatistics.FromCatalogue([]));
        var e = Assert.Throws<InvalidInputException>(() => XlmRobertaWeights.LoadInto(model, path));
        Assert.Contains("missing tensor 'encoder.layer.1.attention.self.key.bias'", e.Message);
    }

    [Fact]
    public void MisShapedTensorIsNamedWithBothShapes()
    {
        var (path, _) = Checkpoint(edit: t => t["encoder.layer.0.intermediate.dense.weight"] = new(new long[] { 8, D }, new float[8 * D]));
        using var model = new TwoTowerModel(Config(ModelKind.Que2Engage), ContextStatistics.FromCatalogue([]));
        var e = Assert.Throws<InvalidInputException>(() => XlmRobertaWeights.LoadInto(model, path));
        Assert.Contains("tensor 'encoder.layer.0.intermediate.dense.weight' has shape [8, 16], the model needs [32, 16]", e.Message);
    }

    [Fact]
    public void TooFewLayersForTextPlusFusionIsExplained()
    {
        var (path, _) = Checkpoint();
        using var model = new TwoTowerModel(Config(ModelKind.Que2Engage) with { TextLayers = 2, FusionLayers = 3 }, ContextStatistics.FromCatalogue([]));
        var e = Assert.Throws<InvalidInputException>(() => XlmRobertaWeights.LoadInto(model, path));
        Assert.Contains("need 5 layers; the checkpoint has 4", e.Message);
    }

    [Fact]
    public void ReaderConvertsHalfAndBFloat16AndRejectsCorruptHeaders()
    {
        var path = _dir.File("mixed.safetensors");
        float[] values = [1.5f, -2.25f, 0.125f, 1024f];
        TinyXlmRobertaCheckpoint.Write(path, new Dictionary<string, TinyXlmRobertaCheckpoint.Tensor>
        {
            ["a"] = new([2, 2], values),
            ["h"] = new([4], values, "F16"),
            ["b"] = new([4], values, "BF16"),
        });
        using (var r = new SafetensorsReader(path))
        {
            Assert.Equal(values, r.ReadFloat32("a"));
            Assert.Equal(values, r.ReadFloat32("h"));   // exactly representable in both 16-bit formats
            Assert.Equal(values, r.ReadFloat32("b"));
            Assert.Equal([2L, 2L], r.Tensors["a"].Shape);
            Assert.Equal("pt", r.Metadata["format"]);
            Assert.Throws<InvalidInputException>(() => r.ReadFloat32("nope"));
        }

        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(_dir.File("truncated.safetensors"), bytes[..(bytes.Length - 3)]);
        var e = Assert.Throws<InvalidInputException>(() => new SafetensorsReader(_dir.File("truncated.safetensors")));
        Assert.Contains("outside the", e.Message);
        File.WriteAllBytes(_dir.File("garbage.safetensors"), [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 1, 2]);
        Assert.Contains("header length", Assert.Throws<InvalidInputException>(() => new SafetensorsReader(_dir.File("garbage.safetensors"))).Message);
    }
}
