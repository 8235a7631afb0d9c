using Que2Engage.Data;

namespace Que2Engage.Modeling;

/// <summary>
/// What evaluation and retrieval need from a trained two-tower model: L2-normalised query and product
/// embeddings of dimension <see cref="Dimension"/>; cosine similarity is then a dot product.
/// Implementations must be safe to call from several threads at once (inference only).
/// </summary>
public interface IEmbeddingModel
{
    int Dimension { get; }
    /// <summary>
    /// What identifies the model's weights (a trained model: the checksum of its weights.bin), recorded by an index so
    /// that a different or retrained model is refused; null when the model has no such identity (test fakes).
    /// </summary>
    string? Identity => null;
    float[][] EmbedQueries(IReadOnlyList<string> queries);
    float[][] EmbedProducts(IReadOnlyList<Product> products);
}
