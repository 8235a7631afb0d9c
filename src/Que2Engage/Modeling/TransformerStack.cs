using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Que2Engage.Modeling;

/// <summary>
/// A batch-first stack of post-LayerNorm GELU transformer encoder layers: (B×L×d, key padding mask B×L with
/// true = ignore) → B×L×d. The layers are <see cref="FusedEncoderLayer"/>s, which compute what libtorch's
/// <c>nn.TransformerEncoderLayer</c> computes under the same parameter names (so saved models and the pretrained
/// loaders are unchanged) but with one Q/K/V projection and libtorch's fused <c>scaled_dot_product_attention</c>.
/// </summary>
public sealed class TransformerStack : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly FusedEncoder encoder;

    public TransformerStack(int dModel, int heads, int ffn, int layers, double dropout) : base(nameof(TransformerStack))
    {
        encoder = new FusedEncoder(dModel, heads, ffn, layers, dropout);
        RegisterComponents();
    }

    /// <summary>
    /// One vector per sequence from the stack's output (B×L×d): [CLS] (position 0), or with <paramref name="mean"/>
    /// the mean over the positions the key padding mask (B×L, true = padding) does not mask.
    /// </summary>
    public static Tensor Pool(Tensor output, Tensor keyPaddingMask, bool mean)
    {
        if (!mean) return output.select(1, 0);
        var keep = keyPaddingMask.logical_not().to_type(ScalarType.Float32).unsqueeze(2);
        return (output * keep).sum(1) / keep.sum(1).clamp_min(1.0);
    }

    public override Tensor forward(Tensor x, Tensor keyPaddingMask) => encoder.call(x, keyPaddingMask);

    /// <summary>
    /// The stack's output at <paramref name="positions"/> only (B×P×d): equal to <c>forward(x, mask)</c> at those
    /// positions, but the last layer computes queries, attention, feed-forward and norms for those rows alone (its keys
    /// and values still come from every position). When a tower reads [CLS] (and two modality tokens) of 51, that is
    /// most of the last layer's FLOPs saved, with the same maths (issue 11).
    /// </summary>
    public Tensor Rows(Tensor x, Tensor keyPaddingMask, long[] positions) => encoder.Rows(x, keyPaddingMask, positions);

    /// <summary><see cref="Pool"/> of the stack's output, computing only the [CLS] row of the last layer unless <paramref name="mean"/>.</summary>
    public Tensor Pooled(Tensor x, Tensor keyPaddingMask, bool mean) =>
        mean ? Pool(forward(x, keyPaddingMask), keyPaddingMask, true) : Rows(x, keyPaddingMask, [0]).select(1, 0);

    /// <summary>The layer list, under the name libtorch's <c>TransformerEncoder</c> gives it (<c>layers.N</c>).</summary>
    private sealed class FusedEncoder : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly ModuleList<FusedEncoderLayer> layers = new();

        public FusedEncoder(int dModel, int heads, int ffn, int count, double dropout) : base("TransformerEncoder")
        {
            // Initialised exactly as libtorch's TransformerEncoder(TransformerEncoderLayer(…), count) was before this
            // layer replaced it, so that a seed gives the same starting model and leaves torch's RNG where it did: our
            // layers are built without touching the RNG (its state is put back), then libtorch's stack is built (its
            // layers are clones of one drawn layer, and each clone draws a layer's worth too) and copied, name for
            // name (layers.N.…), into ours.
            using (var rng = get_rng_state())
            {
                for (int i = 0; i < count; i++) layers.Add(new FusedEncoderLayer(dModel, heads, ffn, dropout));
                set_rng_state(rng);
            }
            RegisterComponents();
            if (count == 0) return;
            using var reference = nn.TransformerEncoder(nn.TransformerEncoderLayer(dModel, heads, ffn, dropout, nn.Activations.GELU), count);
            var source = reference.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
            using (no_grad())
                foreach (var (name, p) in named_parameters())
                    p.copy_(source[name]);
        }

        public override Tensor forward(Tensor x, Tensor keyPaddingMask)
        {
            // SDPA's boolean mask is the other way round (true = attend); built once for all layers, B×1×1×L.
            using var attend = keyPaddingMask.logical_not().unsqueeze(1).unsqueeze(1);
            foreach (var layer in layers) x = layer.Forward(x, attend);
            return x;
        }

        public Tensor Rows(Tensor x, Tensor keyPaddingMask, long[] positions)
        {
            using var index = torch.tensor(positions);
            if (layers.Count == 0) return x.index_select(1, index);
            using var attend = keyPaddingMask.logical_not().unsqueeze(1).unsqueeze(1);
            for (int i = 0; i < layers.Count - 1; i++) x = layers[i].Forward(x, attend);
            return layers[layers.Count - 1].Forward(x, attend, index);
        }
    }
}

/// <summary>
/// One post-LayerNorm transformer encoder layer, batch-first, with GELU: exactly the maths of libtorch's
/// <c>nn.TransformerEncoderLayer(d, heads, ffn, dropout, GELU)</c> —
/// <c>x = norm1(x + dropout1(attn(x))); x = norm2(x + dropout2(linear2(dropout(gelu(linear1(x))))))</c>, attention
/// dropout on the attention weights, LayerNorm ε 1e-5 — and its parameter names and shapes
/// (<c>self_attn.in_proj_weight</c> 3d×d, <c>self_attn.in_proj_bias</c>, <c>self_attn.out_proj</c>, <c>linear1</c>,
/// <c>linear2</c>, <c>norm1</c>, <c>norm2</c>). Faster on CPU because Q, K and V come from one d→3d matmul and the
/// attention is libtorch's <c>scaled_dot_product_attention</c> (a fused flash-attention kernel when dropout is off;
/// libtorch's layer also computes and averages the per-head attention weights, which nobody reads).
/// </summary>
public sealed class FusedEncoderLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly FusedSelfAttention self_attn;
    private readonly Linear linear1;
    private readonly Linear linear2;
    private readonly LayerNorm norm1;
    private readonly LayerNorm norm2;
    private readonly double _dropout;

    public FusedEncoderLayer(int dModel, int heads, int ffn, double dropout) : base("TransformerEncoderLayer")
    {
        if (dModel % heads != 0) throw new ArgumentException($"d_model {dModel} is not a multiple of heads {heads}");
        self_attn = new FusedSelfAttention(dModel, heads, dropout);
        linear1 = nn.Linear(dModel, ffn);
        linear2 = nn.Linear(ffn, dModel);
        norm1 = nn.LayerNorm(dModel, 1e-5);
        norm2 = nn.LayerNorm(dModel, 1e-5);
        _dropout = dropout;
        RegisterComponents();
    }

    /// <param name="x">B×L×d.</param>
    /// <param name="keyPaddingMask">B×L, true = padding (ignored as a key).</param>
    public override Tensor forward(Tensor x, Tensor keyPaddingMask)
    {
        using var attend = keyPaddingMask.logical_not().unsqueeze(1).unsqueeze(1);
        return Forward(x, attend);
    }

    /// <param name="attend">B×1×1×L, true = may be attended to.</param>
    /// <param name="rows">When given, only these positions' outputs (B×P×d); keys and values still from every position.</param>
    internal Tensor Forward(Tensor x, Tensor attend, Tensor? rows = null)
    {
        var residual = rows is null ? x : x.index_select(1, rows);
        x = norm1.call(residual + Dropout(self_attn.Forward(x, attend, rows)));
        var h = Dropout(nn.functional.gelu(linear1.call(x)));
        return norm2.call(x + Dropout(linear2.call(h)));
    }

    private Tensor Dropout(Tensor t) => training && _dropout > 0 ? nn.functional.dropout(t, _dropout, training: true) : t;
}

/// <summary>
/// Multi-head self-attention with libtorch's <c>MultiheadAttention</c> parameters (<c>in_proj_weight</c>,
/// <c>in_proj_bias</c>, <c>out_proj</c>): one d→3d projection, heads split by views, <c>scaled_dot_product_attention</c>.
/// </summary>
public sealed class FusedSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Parameter in_proj_weight;
    private readonly Parameter in_proj_bias;
    private readonly Linear out_proj;
    private readonly int _heads;
    private readonly double _dropout;

    public FusedSelfAttention(int dModel, int heads, double dropout) : base("MultiheadAttention")
    {
        in_proj_weight = nn.Parameter(empty(3 * dModel, dModel));
        in_proj_bias = nn.Parameter(zeros(3 * dModel));
        out_proj = nn.Linear(dModel, dModel);
        using (no_grad())
        {
            nn.init.xavier_uniform_(in_proj_weight);
            out_proj.bias!.zero_();
        }
        _heads = heads;
        _dropout = dropout;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor keyPaddingMask)
    {
        using var attend = keyPaddingMask.logical_not().unsqueeze(1).unsqueeze(1);
        return Forward(x, attend);
    }

    /// <param name="x">B×L×d.</param>
    /// <param name="attend">B×1×1×L (or broadcastable to B×H×L×L), true = may be attended to.</param>
    /// <param name="rows">When given, attention outputs for these query positions only (B×P×d).</param>
    internal Tensor Forward(Tensor x, Tensor attend, Tensor? rows = null)
    {
        long b = x.shape[0], len = x.shape[1], d = x.shape[2], hd = d / _heads;
        double dropout = training ? _dropout : 0.0;
        if (rows is null)
        {
            // B×L×3d → 3×B×H×L×hd: q, k and v are strided views of one matmul's output (last stride 1, as SDPA wants).
            var qkv = nn.functional.linear(x, in_proj_weight, in_proj_bias).view(b, len, 3, _heads, hd).permute(2, 0, 3, 1, 4);
            var a = nn.functional.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], attend, dropout);
            return out_proj.call(a.transpose(1, 2).reshape(b, len, d));
        }
        // Queries of the wanted rows only (the first d rows of in_proj), keys and values of every position (the rest).
        long p = rows.shape[0];
        var q = nn.functional.linear(x.index_select(1, rows), in_proj_weight.narrow(0, 0, d), in_proj_bias.narrow(0, 0, d))
            .view(b, p, _heads, hd).transpose(1, 2);
        var kv = nn.functional.linear(x, in_proj_weight.narrow(0, d, 2 * d), in_proj_bias.narrow(0, d, 2 * d))
            .view(b, len, 2, _heads, hd).permute(2, 0, 3, 1, 4);
        var o = nn.functional.scaled_dot_product_attention(q, kv[0], kv[1], attend, dropout);
        return out_proj.call(o.transpose(1, 2).reshape(b, p, d));
    }
}
