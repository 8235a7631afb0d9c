using System.Numerics.Tensors;
using Que2Engage.Data;
using Que2Engage.Modeling;

namespace Que2Engage.Evaluation;

/// <summary>
/// Embeds queries and products through an <see cref="IEmbeddingModel"/> in fixed-size batches, checks what comes
/// back, and L2-normalises each vector's embedding part (so a dot product is the cosine κ even if a model forgets to
/// normalise; a model's <see cref="IEmbeddingModel.ExtraCoordinates"/> are left as they are).
/// </summary>
internal sealed class BatchEmbedder(IEmbeddingModel model, int batchSize, ProgressReporter progress)
{
    public float[][] Products(IReadOnlyList<Product> products) =>
        Embed(products, b => model.EmbedProducts(b), "embed products");

    public float[][] Queries(IReadOnlyList<string> queries) =>
        Embed(queries, b => model.EmbedQueries(b), "embed queries");

    private float[][] Embed<T>(IReadOnlyList<T> items, Func<IReadOnlyList<T>, float[][]> embed, string stage)
    {
        var result = new float[items.Count][];
        progress.Report(stage, 0);
        for (int start = 0; start < items.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, items.Count - start);
            var batch = new T[count];
            for (int i = 0; i < count; i++) batch[i] = items[start + i];
            float[][] vectors = embed(batch);
            if (vectors is null || vectors.Length != count)
                throw new Que2EngageException($"{stage}: the model returned {vectors?.Length ?? 0} vectors for a batch of {count}");
            for (int i = 0; i < count; i++)
            {
                float[] v = vectors[i];
                if (v is null || v.Length != model.Dimension)
                    throw new Que2EngageException($"{stage}: vector {start + i} has dimension {v?.Length ?? 0}, model says {model.Dimension}");
                result[start + i] = Normalised(v, model.ExtraCoordinates, stage, start + i);
            }
            progress.Report(stage, (double)(start + count) / items.Count);
        }
        progress.Report(stage, 1);
        return result;
    }

    /// <summary>Unit length over the embedding part; the <paramref name="extra"/> trailing coordinates are copied as they are.</summary>
    private static float[] Normalised(float[] v, int extra, string stage, int index)
    {
        int n = v.Length - extra;
        float norm = TensorPrimitives.Norm(v.AsSpan(0, n));
        if (!float.IsFinite(norm) || !float.IsFinite(TensorPrimitives.Sum(v.AsSpan(n))))
            throw new Que2EngageException($"{stage}: vector {index} is not finite (NaN/inf in the model output)");
        var copy = (float[])v.Clone();
        if (norm > 0) TensorPrimitives.Divide(v.AsSpan(0, n), norm, copy.AsSpan(0, n));
        return copy;
    }
}
