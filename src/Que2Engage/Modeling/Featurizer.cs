using Que2Engage.Data;
using Que2Engage.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Que2Engage.Modeling;

/// <summary>
/// Turns queries and products into features and batches of features into tensors. Tensors are created in the
/// caller's dispose scope.
/// </summary>
public sealed class Featurizer
{
    private readonly ModelConfig _config;
    private readonly ContextStatistics _stats;
    private readonly ITokenizer _tokenizer;
    private readonly CharTrigramHasher _trigrams;

    public Featurizer(ModelConfig config, ContextStatistics stats)
    {
        _config = config;
        _stats = stats;
        _tokenizer = TokenizerFactory.Create(config.Tokenizer);
        _trigrams = new CharTrigramHasher(config.Tokenizer);
    }

    public ITokenizer Tokenizer => _tokenizer;

    public QueryFeatures Query(string query) =>
        new(_tokenizer.Encode(query ?? "", _config.QueryMaxTokens), _trigrams.Hash(query ?? ""));

    public ProductFeatures Product(Product p)
    {
        var images = new List<float[]>();
        if (_config.ImageDim > 0)
        {
            foreach (var v in p.ImageEmbeddings ?? [])
            {
                if (v is null || v.Length == 0) continue;
                if (v.Length != _config.ImageDim)
                    throw new InvalidInputException(
                        $"product '{p.ProductId}': image_embeddings has a vector of dim {v.Length}, the model expects {_config.ImageDim}");
                if (images.Count < _config.MaxImages) images.Add(CleanImage(v));
            }
        }
        return new ProductFeatures(DocumentTokens(p), TitleTrigrams(p), ContextFeatures.Compute(p, _stats), images.ToArray());
    }

    /// <summary>The document tower's token ids of a listing: title and description, cut to DocMaxTokens.</summary>
    public int[] DocumentTokens(Product p)
    {
        string text = string.IsNullOrEmpty(p.Description) ? p.Title ?? "" : (p.Title ?? "") + " \n " + p.Description;
        return _tokenizer.Encode(text, _config.DocMaxTokens);
    }

    /// <summary>The hashed character trigrams of a listing's title.</summary>
    public int[] TitleTrigrams(Product p) => _trigrams.Hash(p.Title ?? "");

    /// <summary>An image vector with non-finite values set to 0 (a bad value cannot make a NaN embedding).</summary>
    public static float[] CleanImage(float[] v) => v.Select(x => float.IsFinite(x) ? x : 0f).ToArray();

    /// <summary>
    /// Query token ids are padded only to the batch's longest query, not to QueryMaxTokens: padded positions are
    /// masked out of attention, so the [CLS] output is the same (to ~1e-7) while a lone 9-token query costs the
    /// transformer ~2.5× less than 24 padded positions (single-query serving latency, see BENCHMARKS.md).
    /// </summary>
    public QueryInputs ToTensors(IReadOnlyList<QueryFeatures> batch)
    {
        var rows = batch.Select(f => f.Tokens).ToList();
        return new(TokenTensor(rows, Math.Min(_config.QueryMaxTokens, LongestUnpadded(rows))), BagTensor(batch.Select(f => f.Trigrams).ToList()));
    }

    /// <summary>Length of the longest row up to its last non-[PAD] id (at least 1).</summary>
    private static int LongestUnpadded(IReadOnlyList<int[]> rows)
    {
        int longest = 1;
        foreach (var r in rows)
        {
            int n = r.Length;
            while (n > 0 && r[n - 1] == 0) n--;
            longest = Math.Max(longest, n);
        }
        return longest;
    }

    /// <summary>
    /// Document token ids, like queries', are padded only to the batch's longest text, not to DocMaxTokens: the padded
    /// positions are masked out of attention and out of mean pooling, so the outputs are the same (to float rounding)
    /// while a batch of short listings costs the encoders and the fusion transformer less (issue 11, BENCHMARKS.md).
    /// With <paramref name="padToBudget"/> every row is padded to DocMaxTokens (as before; the tests' reference).
    /// </summary>
    public DocumentInputs ToTensors(IReadOnlyList<ProductFeatures> batch, bool padToBudget = false)
    {
        int b = batch.Count;
        var tokens = batch.Select(f => f.Tokens).ToList();
        int imgDim = Math.Max(1, _config.ImageDim);
        int maxImg = _config.MaxImages;
        var images = new float[b * maxImg * imgDim];
        var mask = new bool[b * maxImg];
        var context = new float[b * ContextFeatures.Dimension];
        for (int i = 0; i < b; i++)
        {
            var f = batch[i];
            for (int k = 0; k < f.Images.Length && k < maxImg; k++)
            {
                Array.Copy(f.Images[k], 0, images, (i * maxImg + k) * imgDim, imgDim);
                mask[i * maxImg + k] = true;
            }
            Array.Copy(f.Context, 0, context, i * ContextFeatures.Dimension, ContextFeatures.Dimension);
        }
        return new DocumentInputs(
            TokenTensor(tokens, padToBudget ? _config.DocMaxTokens : Math.Min(_config.DocMaxTokens, LongestUnpadded(tokens))),
            BagTensor(batch.Select(f => f.TitleTrigrams).ToList()),
            torch.tensor(images, [b, maxImg, imgDim]),
            torch.tensor(mask, [b, maxImg]),
            torch.tensor(context, [b, ContextFeatures.Dimension]));
    }

    private static Tensor TokenTensor(IReadOnlyList<int[]> rows, int len)
    {
        var data = new long[rows.Count * len];
        for (int i = 0; i < rows.Count; i++)
            for (int j = 0; j < len && j < rows[i].Length; j++)
                data[i * len + j] = rows[i][j];
        return torch.tensor(data, [rows.Count, len]);
    }

    /// <summary>
    /// Bags as a padded 2-D id tensor, ids shifted by one so 0 is the EmbeddingBag's padding index (excluded from
    /// the mean; an empty bag gives a zero vector). Avoids the offsets form, whose empty-input corner cases differ.
    /// </summary>
    private static Tensor BagTensor(IReadOnlyList<int[]> rows)
    {
        int width = Math.Max(1, rows.Count == 0 ? 1 : rows.Max(r => r.Length));
        var data = new long[rows.Count * width];
        for (int i = 0; i < rows.Count; i++)
            for (int j = 0; j < rows[i].Length; j++)
                data[i * width + j] = rows[i][j] + 1;
        return torch.tensor(data, [rows.Count, width]);
    }
}

/// <summary>Query tower inputs: token ids (B×Lq) and padded trigram bags (B×T, 0 = padding).</summary>
public sealed record QueryInputs(Tensor Tokens, Tensor Trigrams);

/// <summary>
/// Document tower inputs: token ids (B×Ld), padded title-trigram bags (B×T), images (B×I×dim) with presence mask
/// (B×I, true = present) and context features (B×C).
/// </summary>
public sealed record DocumentInputs(Tensor Tokens, Tensor TitleTrigrams, Tensor Images, Tensor ImageMask, Tensor Context);
