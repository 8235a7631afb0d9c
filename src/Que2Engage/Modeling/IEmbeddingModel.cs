using Que2Engage.Data;

namespace Que2Engage.Modeling;

/// <summary>
/// What evaluation and retrieval need from a trained two-tower model: L2-normalised query and product
/// embeddings of dimension <see cref="Dimension"/>; cosine similarity is then a dot product (plus, with
/// <see cref="ExtraCoordinates"/>, the engagement-prior term).
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

    /// <summary>
    /// Trailing coordinates that are not part of the unit-length embedding and must not be normalised: 1 for a model
    /// with the engagement prior (documents g(d)/s, queries the weight w; see TwoTowerModel.Dimension), else 0.
    /// </summary>
    int ExtraCoordinates => 0;
}
