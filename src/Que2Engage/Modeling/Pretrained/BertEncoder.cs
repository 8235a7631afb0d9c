using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Que2Engage.Modeling.Pretrained;

/// <summary>
/// A BERT encoder written out in TorchSharp layers so that it computes exactly what the checkpoint's own graph does:
/// word + position + token-type(0) embeddings → LayerNorm → N post-LayerNorm layers (multi-head self-attention with
/// padded keys masked out, erf-GELU feed-forward), LayerNorm ε taken from the checkpoint (BERT: 1e-12). libtorch's
/// <c>TransformerEncoderLayer</c> (used by the towers) fixes ε at 1e-5, which is why this is not a
/// <see cref="TransformerStack"/>: the frozen baseline and the ONNX parity test need BERT's numbers to ~1e-5.
/// Input: token ids B×L in <see cref="Text.ITokenizer"/>'s layout ([PAD] = 0 is masked); output: B×L×d.
/// </summary>
public sealed class BertEncoder : nn.Module<Tensor, Tensor>
{
    private readonly Embedding words;
    private readonly Embedding positions;
    private readonly Parameter tokenType;
    private readonly LayerNorm norm;
    private readonly ModuleList<BertLayer> layers;

    public int DModel { get; }
    public int MaxPositions { get; }

    public BertEncoder(int vocab, int maxPositions, int dModel, int heads, int ffn, int layerCount, double eps) : base(nameof(BertEncoder))
    {
        DModel = dModel;
        MaxPositions = maxPositions;
        words = nn.Embedding(vocab, dModel);
        positions = nn.Embedding(maxPositions, dModel);
        tokenType = nn.Parameter(zeros(dModel));
        norm = nn.LayerNorm(dModel, eps);
        layers = nn.ModuleList(Enumerable.Range(0, layerCount).Select(_ => new BertLayer(dModel, heads, ffn, eps)).ToArray());
        RegisterComponents();
    }

    /// <summary>
    /// The encoder of an ONNX BERT checkpoint, embedding rows permuted by <paramref name="ourRowToCheckpointRow"/> (see
    /// <see cref="Text.WordPieceTokenizer.ToVocabularyId"/>), with the first <paramref name="layers"/> layers (default
    /// all). In eval mode, without gradients.
    /// </summary>
    public static BertEncoder FromCheckpoint(OnnxBertCheckpoint c, Func<int, int> ourRowToCheckpointRow, int? layers = null)
    {
        int n = layers ?? c.Layers;
        if (n < 0 || n > c.Layers) throw new InvalidInputException($"{c.Path}: asked for {n} layers; the checkpoint has {c.Layers}");
        var encoder = new BertEncoder(c.VocabSize, c.MaxPositions, c.DModel, c.Heads, c.Ffn, n, c.LayerNormEpsilon);
        using (NewDisposeScope())
        using (no_grad())
        {
            Tensor Read(string name) => tensor(c.ReadFloat32(name)).reshape(c.Shape(name));
            var order = tensor(Enumerable.Range(0, c.VocabSize).Select(i => (long)ourRowToCheckpointRow(i)).ToArray());
            encoder.words.weight!.copy_(Read("embeddings.word_embeddings.weight").index_select(0, order));
            encoder.positions.weight!.copy_(Read("embeddings.position_embeddings.weight"));
            if (c.Contains("embeddings.token_type_embeddings.weight"))
                encoder.tokenType.copy_(Read("embeddings.token_type_embeddings.weight")[0]);
            encoder.norm.weight!.copy_(Read("embeddings.LayerNorm.weight"));
            encoder.norm.bias!.copy_(Read("embeddings.LayerNorm.bias"));
            for (int i = 0; i < n; i++) encoder.layers[i].Load(Read, $"encoder.layer.{i}");
        }
        encoder.eval();
        foreach (var p in encoder.parameters()) p.requires_grad = false;
        return encoder;
    }

    public override Tensor forward(Tensor ids)
    {
        long len = ids.shape[1];
        if (len > MaxPositions) throw new InvalidInputException($"{len} tokens exceed the encoder's {MaxPositions} positions");
        var pos = arange(len, dtype: ScalarType.Int64);
        var x = norm.call(words.call(ids) + tokenType + positions.call(pos).unsqueeze(0));
        // Additive attention mask over keys, B×1×1×L: 0 for tokens, a large negative for [PAD] (as BERT's graph does).
        var maskBias = ids.eq(0).to_type(ScalarType.Float32).mul(-1e4f).view(ids.shape[0], 1, 1, len);
        foreach (var layer in layers) x = layer.call(x, maskBias);
        return x;
    }

    /// <summary>
    /// Sentence embeddings as sentence-transformers computes them: the mean of the non-[PAD] token outputs, then
    /// L2-normalised. B×L ids → B×d.
    /// </summary>
    public Tensor MeanPooled(Tensor ids)
    {
        var hidden = call(ids);
        var mask = ids.ne(0).to_type(ScalarType.Float32).unsqueeze(2);
        var mean = (hidden * mask).sum(1) / mask.sum(1).clamp_min(1e-9);
        return nn.functional.normalize(mean, p: 2, dim: 1);
    }

    sealed class BertLayer : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly Linear query, key, value, attentionOutput, intermediate, output;
        private readonly LayerNorm attentionNorm, outputNorm;
        private readonly int _heads;

        public BertLayer(int d, int heads, int ffn, double eps) : base(nameof(BertLayer))
        {
            _heads = heads;
            query = nn.Linear(d, d);
            key = nn.Linear(d, d);
            value = nn.Linear(d, d);
            attentionOutput = nn.Linear(d, d);
            attentionNorm = nn.LayerNorm(d, eps);
            intermediate = nn.Linear(d, ffn);
            output = nn.Linear(ffn, d);
            outputNorm = nn.LayerNorm(d, eps);
            RegisterComponents();
        }

        public void Load(Func<string, Tensor> read, string s)
        {
            void Set(Linear l, string name)
            {
                l.weight!.copy_(read($"{s}.{name}.weight"));
                l.bias!.copy_(read($"{s}.{name}.bias"));
            }
            void SetNorm(LayerNorm l, string name)
            {
                l.weight!.copy_(read($"{s}.{name}.weight"));
                l.bias!.copy_(read($"{s}.{name}.bias"));
            }
            Set(query, "attention.self.query");
            Set(key, "attention.self.key");
            Set(value, "attention.self.value");
            Set(attentionOutput, "attention.output.dense");
            SetNorm(attentionNorm, "attention.output.LayerNorm");
            Set(intermediate, "intermediate.dense");
            Set(output, "output.dense");
            SetNorm(outputNorm, "output.LayerNorm");
        }

        public override Tensor forward(Tensor x, Tensor maskBias)
        {
            long b = x.shape[0], len = x.shape[1], d = x.shape[2], dh = d / _heads;
            Tensor Heads(Tensor t) => t.view(b, len, _heads, dh).transpose(1, 2);
            var q = Heads(query.call(x));
            var k = Heads(key.call(x));
            var v = Heads(value.call(x));
            var scores = q.matmul(k.transpose(-1, -2)).div(Math.Sqrt(dh)) + maskBias;
            var context = scores.softmax(-1).matmul(v).transpose(1, 2).reshape(b, len, d);
            x = attentionNorm.call(attentionOutput.call(context) + x);
            return outputNorm.call(output.call(nn.functional.gelu(intermediate.call(x))) + x);
        }
    }
}
