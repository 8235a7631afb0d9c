using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Que2Engage.Modeling.Pretrained;

/// <summary>What <see cref="EncoderWeightLoader.LoadInto"/> copied: model parameter ← checkpoint source.</summary>
public sealed record PretrainedLoadReport(IReadOnlyList<(string Parameter, string Source)> Copied);

/// <summary>
/// How a BERT-style checkpoint's ids and positions line up with ours: a name <see cref="Prefix"/>, the word-embedding
/// row permutation that puts its [PAD]/[CLS]/[SEP] rows at our ids 0/1/2 (<see cref="Text.ITokenizer"/>), and the
/// first position row used (XLM-R: 2, BERT: 0).
/// </summary>
public sealed record CheckpointLayout(string Prefix, Func<int, int> OurRowToCheckpointRow, string RowNote, int PositionOffset);

/// <summary>
/// Initialises a <see cref="TwoTowerModel"/> from a pretrained post-LayerNorm GELU encoder (XLM-R, BERT, MiniLM) as the
/// paper does from XLM-R: the query encoder from the first <see cref="ModelConfig.QueryLayers"/> layers; the Que2Engage
/// text encoder from the first K layers and the fusion encoder from the next M; the Que2Search text encoder from the
/// first layers. Both towers' token/position embeddings and embedding LayerNorm come from the checkpoint's embeddings.
/// <para>
/// Key mapping (Hugging Face names after the layout's prefix): <c>encoder.layer.N.attention.self.{query,key,value}</c>
/// → the concatenated <c>self_attn.in_proj_{weight,bias}</c> (q, k, v order, as PyTorch expects);
/// <c>attention.output.dense</c> → <c>out_proj</c>; <c>attention.output.LayerNorm</c> → <c>norm1</c>;
/// <c>intermediate.dense</c> → <c>linear1</c>; <c>output.dense</c> → <c>linear2</c>; <c>output.LayerNorm</c> →
/// <c>norm2</c>. Positions absorb token_type_embeddings[0], which these models add to every token of a single
/// segment. One difference remains: libtorch's TransformerEncoderLayer has LayerNorm ε 1e-5 where BERT has 1e-12
/// (after two MiniLM layers the outputs differ by ~5e-5; see OnnxBertCheckpointTests). The token-embedding LayerNorm
/// is ours and takes the checkpoint's ε (<see cref="ModelConfig.EmbeddingNormEpsilon"/>).
/// </para>
/// </summary>
public static class EncoderWeightLoader
{
    public static PretrainedLoadReport LoadInto(TwoTowerModel model, IPretrainedCheckpoint checkpoint, CheckpointLayout layout)
    {
        string path = checkpoint.Path;
        int layers = 0;
        while (checkpoint.Contains($"{layout.Prefix}encoder.layer.{layers}.attention.self.query.weight")) layers++;
        var c = model.Config;
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var copied = new List<(string, string)>();
        var loader = new Loader(checkpoint, layout, parameters, copied);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var tower in new[] { "queryTower", "documentTower" })
            loader.Embeddings(tower);

        Require(layers >= c.QueryLayers, path, $"the query encoder needs {c.QueryLayers} layers; the checkpoint has {layers}");
        for (int i = 0; i < c.QueryLayers; i++) loader.Layer(i, $"queryTower.encoder.encoder.layers.{i}");
        if (c.Kind == ModelKind.Que2Engage)
        {
            Require(layers >= c.TextLayers + c.FusionLayers, path,
                $"the text encoder (K={c.TextLayers}) and fusion encoder (M={c.FusionLayers}) need {c.TextLayers + c.FusionLayers} layers; the checkpoint has {layers}");
            for (int i = 0; i < c.TextLayers; i++) loader.Layer(i, $"documentTower.textEncoder.encoder.layers.{i}");
            for (int j = 0; j < c.FusionLayers; j++) loader.Layer(c.TextLayers + j, $"documentTower.fusion.encoder.layers.{j}");
        }
        else
        {
            Require(layers >= c.Que2SearchTextLayers, path, $"the text encoder needs {c.Que2SearchTextLayers} layers; the checkpoint has {layers}");
            for (int i = 0; i < c.Que2SearchTextLayers; i++) loader.Layer(i, $"documentTower.textEncoder.encoder.layers.{i}");
        }
        return new PretrainedLoadReport(copied);
    }

    /// <summary>
    /// Name prefixes of every parameter <see cref="LoadInto"/> initialises for a model of configuration
    /// <paramref name="c"/> (the token embeddings and encoder stacks of both towers), so that the optimizer can give
    /// them the fine-tuning learning rate — also when a run resumes and nothing is loaded.
    /// </summary>
    public static IReadOnlyList<string> PretrainedPrefixes(ModelConfig c)
    {
        var prefixes = new List<string> { "queryTower.embed.", "queryTower.encoder.", "documentTower.embed." };
        if (c.Kind == ModelKind.Que2Engage)
        {
            if (c.TextLayers > 0) prefixes.Add("documentTower.textEncoder.");
            prefixes.Add("documentTower.fusion.encoder.");
        }
        else prefixes.Add("documentTower.textEncoder.");
        return prefixes;
    }

    static void Require(bool ok, string path, string message)
    {
        if (!ok) throw new InvalidInputException($"{path}: {message}");
    }

    sealed class Loader(IPretrainedCheckpoint reader, CheckpointLayout layout, Dictionary<string, Parameter> parameters, List<(string, string)> copied)
    {
        string prefix => layout.Prefix;

        Tensor Read(string key, params long[] shape)
        {
            string name = prefix + key;
            if (!reader.Contains(name))
                throw new InvalidInputException($"{reader.Path}: missing tensor '{name}'");
            var actual = reader.Shape(name);
            if (shape.Length > 0 && !actual.SequenceEqual(shape))
                throw new InvalidInputException(
                    $"{reader.Path}: tensor '{name}' has shape [{string.Join(", ", actual)}], the model needs [{string.Join(", ", shape)}] " +
                    "(set the model's width, feed-forward size, heads and tokenizer to the checkpoint's)");
            return tensor(reader.ReadFloat32(name)).reshape(actual);
        }

        Parameter Target(string name) => parameters.TryGetValue(name, out var p) ? p
            : throw new Que2EngageException($"model has no parameter '{name}' (the loader and the model disagree)");

        void Copy(string target, Tensor value, string source)
        {
            var p = Target(target);
            if (!p.shape.SequenceEqual(value.shape))
                throw new InvalidInputException($"{reader.Path}: '{source}' gives shape [{string.Join(", ", value.shape)}] for {target} [{string.Join(", ", p.shape)}]");
            p.copy_(value);
            copied.Add((target, source));
        }

        public void Embeddings(string tower)
        {
            var tokens = Target($"{tower}.embed.tokens.weight");
            long vocab = tokens.shape[0], d = tokens.shape[1];
            var words = Read("embeddings.word_embeddings.weight", vocab, d);
            var order = tensor(Enumerable.Range(0, (int)vocab).Select(i => (long)layout.OurRowToCheckpointRow(i)).ToArray());
            Copy($"{tower}.embed.tokens.weight", words.index_select(0, order), $"embeddings.word_embeddings.weight ({layout.RowNote})");

            var positions = Target($"{tower}.embed.positions.weight");
            long maxLen = positions.shape[0];
            var allPositions = Read("embeddings.position_embeddings.weight");
            if (allPositions.shape[0] < maxLen + layout.PositionOffset || allPositions.shape[1] != d)
                throw new InvalidInputException($"{reader.Path}: tensor '{prefix}embeddings.position_embeddings.weight' has shape [{string.Join(", ", allPositions.shape)}]; " +
                    $"{tower} needs at least [{maxLen + layout.PositionOffset}, {d}] (max tokens {maxLen} + {layout.PositionOffset} offset rows)");
            var pos = allPositions.narrow(0, layout.PositionOffset, maxLen);
            if (reader.Contains(prefix + "embeddings.token_type_embeddings.weight"))
                pos = pos + Read("embeddings.token_type_embeddings.weight")[0];
            Copy($"{tower}.embed.positions.weight", pos, $"embeddings.position_embeddings.weight[{layout.PositionOffset}:] + token_type_embeddings[0]");
            Copy($"{tower}.embed.norm.weight", Read("embeddings.LayerNorm.weight", d), "embeddings.LayerNorm.weight");
            Copy($"{tower}.embed.norm.bias", Read("embeddings.LayerNorm.bias", d), "embeddings.LayerNorm.bias");
        }

        public void Layer(int source, string target)
        {
            var inProj = Target($"{target}.self_attn.in_proj_weight");
            long d = inProj.shape[1];
            long ffn = Target($"{target}.linear1.weight").shape[0];
            string s = $"encoder.layer.{source}";
            Copy($"{target}.self_attn.in_proj_weight", cat([
                Read($"{s}.attention.self.query.weight", d, d), Read($"{s}.attention.self.key.weight", d, d),
                Read($"{s}.attention.self.value.weight", d, d)], 0), $"{s}.attention.self.{{query,key,value}}.weight");
            Copy($"{target}.self_attn.in_proj_bias", cat([
                Read($"{s}.attention.self.query.bias", d), Read($"{s}.attention.self.key.bias", d),
                Read($"{s}.attention.self.value.bias", d)], 0), $"{s}.attention.self.{{query,key,value}}.bias");
            Copy($"{target}.self_attn.out_proj.weight", Read($"{s}.attention.output.dense.weight", d, d), $"{s}.attention.output.dense.weight");
            Copy($"{target}.self_attn.out_proj.bias", Read($"{s}.attention.output.dense.bias", d), $"{s}.attention.output.dense.bias");
            Copy($"{target}.norm1.weight", Read($"{s}.attention.output.LayerNorm.weight", d), $"{s}.attention.output.LayerNorm.weight");
            Copy($"{target}.norm1.bias", Read($"{s}.attention.output.LayerNorm.bias", d), $"{s}.attention.output.LayerNorm.bias");
            Copy($"{target}.linear1.weight", Read($"{s}.intermediate.dense.weight", ffn, d), $"{s}.intermediate.dense.weight");
            Copy($"{target}.linear1.bias", Read($"{s}.intermediate.dense.bias", ffn), $"{s}.intermediate.dense.bias");
            Copy($"{target}.linear2.weight", Read($"{s}.output.dense.weight", d, ffn), $"{s}.output.dense.weight");
            Copy($"{target}.linear2.bias", Read($"{s}.output.dense.bias", d), $"{s}.output.dense.bias");
            Copy($"{target}.norm2.weight", Read($"{s}.output.LayerNorm.weight", d), $"{s}.output.LayerNorm.weight");
            Copy($"{target}.norm2.bias", Read($"{s}.output.LayerNorm.bias", d), $"{s}.output.LayerNorm.bias");
        }
    }
}
