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
    float[][] EmbedQueries(IReadOnlyList<string> queries);
    float[][] EmbedProducts(IReadOnlyList<Product> products);
}
