using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Que2Engage.Modeling.Pretrained;

/// <summary>What <see cref="XlmRobertaWeights.LoadInto"/> copied: model parameter ← checkpoint source.</summary>
public sealed record PretrainedLoadReport(IReadOnlyList<(string Parameter, string Source)> Copied);

/// <summary>
/// Initialises a <see cref="TwoTowerModel"/> from a Hugging Face XLM-R checkpoint (safetensors), as the paper does:
/// the query encoder from XLM-R's first <see cref="ModelConfig.QueryLayers"/> layers; the Que2Engage text encoder
/// from the first K layers and the fusion encoder from the next M; the Que2Search text encoder from the first layers.
/// Both towers' token/position embeddings and embedding LayerNorm come from XLM-R's embeddings.
/// <para>
/// Key mapping (optional "roberta." prefix): <c>encoder.layer.N.attention.self.{query,key,value}</c> → the
/// concatenated <c>self_attn.in_proj_{weight,bias}</c> (q, k, v order, as PyTorch expects);
/// <c>attention.output.dense</c> → <c>out_proj</c>; <c>attention.output.LayerNorm</c> → <c>norm1</c>;
/// <c>intermediate.dense</c> → <c>linear1</c>; <c>output.dense</c> → <c>linear2</c>; <c>output.LayerNorm</c> →
/// <c>norm2</c>. Both are post-LayerNorm GELU layers, so the computation matches. Word-embedding rows 0 and 1 are
/// swapped (XLM-R has &lt;s&gt;=0, &lt;pad&gt;=1; our tokenizers have [PAD]=0, [CLS]=1); positions start at XLM-R's
/// row 2 (its padding_idx + 1) and absorb token_type_embeddings[0], which XLM-R adds to every token.
/// </para>
/// </summary>
public static class XlmRobertaWeights
{
    static readonly string[] Prefixes = ["", "roberta.", "xlm_roberta."];

    public static PretrainedLoadReport LoadInto(TwoTowerModel model, string checkpointPath)
    {
        using var reader = new SafetensorsReader(checkpointPath);
        string prefix = Prefixes.FirstOrDefault(p => reader.Tensors.ContainsKey(p + "embeddings.word_embeddings.weight"))
            ?? throw new InvalidInputException($"{checkpointPath}: no 'embeddings.word_embeddings.weight' tensor — not an XLM-R/RoBERTa checkpoint");
        int layers = CountLayers(reader, prefix);
        var c = model.Config;
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var copied = new List<(string, string)>();
        var loader = new Loader(reader, prefix, parameters, copied);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var tower in new[] { "queryTower", "documentTower" })
            loader.Embeddings(tower);

        Require(layers >= c.QueryLayers, checkpointPath, $"the query encoder needs {c.QueryLayers} layers; the checkpoint has {layers}");
        for (int i = 0; i < c.QueryLayers; i++) loader.Layer(i, $"queryTower.encoder.encoder.layers.{i}");
        if (c.Kind == Training.ModelKind.Que2Engage)
        {
            Require(layers >= c.TextLayers + c.FusionLayers, checkpointPath,
                $"the text encoder (K={c.TextLayers}) and fusion encoder (M={c.FusionLayers}) need {c.TextLayers + c.FusionLayers} layers; the checkpoint has {layers}");
            for (int i = 0; i < c.TextLayers; i++) loader.Layer(i, $"documentTower.textEncoder.encoder.layers.{i}");
            for (int j = 0; j < c.FusionLayers; j++) loader.Layer(c.TextLayers + j, $"documentTower.fusion.encoder.layers.{j}");
        }
        else
        {
            Require(layers >= c.Que2SearchTextLayers, checkpointPath, $"the text encoder needs {c.Que2SearchTextLayers} layers; the checkpoint has {layers}");
            for (int i = 0; i < c.Que2SearchTextLayers; i++) loader.Layer(i, $"documentTower.textEncoder.encoder.layers.{i}");
        }
        return new PretrainedLoadReport(copied);
    }

    static int CountLayers(SafetensorsReader reader, string prefix)
    {
        int n = 0;
        while (reader.Tensors.ContainsKey($"{prefix}encoder.layer.{n}.attention.self.query.weight")) n++;
        return n;
    }

    static void Require(bool ok, string path, string message)
    {
        if (!ok) throw new InvalidInputException($"{path}: {message}");
    }

    sealed class Loader(SafetensorsReader reader, string prefix, Dictionary<string, Parameter> parameters, List<(string, string)> copied)
    {
        Tensor Read(string key, params long[] shape)
        {
            string name = prefix + key;
            if (!reader.Tensors.TryGetValue(name, out var entry))
                throw new InvalidInputException($"{reader.Path}: missing tensor '{name}'");
            if (shape.Length > 0 && !entry.Shape.SequenceEqual(shape))
                throw new InvalidInputException(
                    $"{reader.Path}: tensor '{name}' has shape [{string.Join(", ", entry.Shape)}], the model needs [{string.Join(", ", shape)}] " +
                    "(set --d-model/--ffn/--heads and the tokenizer to the checkpoint's sizes)");
            return tensor(reader.ReadFloat32(name)).reshape(entry.Shape);
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
            var words = Read("embeddings.word_embeddings.weight", vocab, d).clone();
            var first = words[0].clone();
            words[0] = words[1];   // [PAD] ← <pad>
            words[1] = first;      // [CLS] ← <s>
            Copy($"{tower}.embed.tokens.weight", words, "embeddings.word_embeddings.weight (rows 0/1 swapped)");

            var positions = Target($"{tower}.embed.positions.weight");
            long maxLen = positions.shape[0];
            var allPositions = Read("embeddings.position_embeddings.weight");
            if (allPositions.shape[0] < maxLen + 2 || allPositions.shape[1] != d)
                throw new InvalidInputException($"{reader.Path}: tensor '{prefix}embeddings.position_embeddings.weight' has shape [{string.Join(", ", allPositions.shape)}]; " +
                    $"{tower} needs at least [{maxLen + 2}, {d}] (max tokens {maxLen} + XLM-R's 2 offset rows)");
            var pos = allPositions.narrow(0, 2, maxLen);
            if (reader.Tensors.ContainsKey(prefix + "embeddings.token_type_embeddings.weight"))
                pos = pos + Read("embeddings.token_type_embeddings.weight")[0];
            Copy($"{tower}.embed.positions.weight", pos, "embeddings.position_embeddings.weight[2:] + token_type_embeddings[0]");
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
