using Que2Engage.Data;
using Que2Engage.Modeling;

namespace Que2Engage.Retrieval;

/// <summary>What <see cref="OfflineIndexWrites.Apply"/> did to an index, and how many listings it holds after.</summary>
public sealed record OfflineWriteReport(int Upserted, int Replaced, int Deleted, int Missing, int Listings);

/// <summary>
/// Upserts and deletes on an existing index outside a server, through the same path as the server's (write-ahead
/// log, fsync, apply), then a checkpoint that folds them into a new index generation.
/// </summary>
public static class OfflineIndexWrites
{
    private const int Batch = 256;

    /// <param name="embedderFor">The model that embeds the upserted listings, given the index's manifest; called only when there are upserts, disposed after.</param>
    public static OfflineWriteReport Apply(string indexDir, IReadOnlyList<Product> upserts, IReadOnlyList<string> deletes,
        Func<IndexManifest, IEmbeddingModel> embedderFor)
    {
        using var catalog = CatalogIndex.OpenWritable(indexDir);
        IEmbeddingModel? embedder = null;
        try
        {
            var writes = new List<Task<bool>>();
            if (upserts.Count > 0)
            {
                embedder = embedderFor(catalog.Manifest);
                catalog.CheckModel(embedder);
                for (int start = 0; start < upserts.Count; start += Batch)
                {
                    var chunk = upserts.Skip(start).Take(Batch).ToList();
                    var vectors = embedder.EmbedProducts(chunk);
                    for (int i = 0; i < chunk.Count; i++) writes.Add(catalog.UpsertAsync(CatalogEntry.From(chunk[i]), vectors[i]));
                }
            }
            var deleted = deletes.Select(catalog.DeleteAsync).ToList();
            Task.WaitAll([.. writes, .. deleted]);
            int replaced = writes.Count(t => t.Result), missing = deleted.Count(t => !t.Result);
            catalog.CheckpointAsync().GetAwaiter().GetResult();
            return new OfflineWriteReport(writes.Count, replaced, deleted.Count - missing, missing, catalog.Count);
        }
        finally
        {
            (embedder as IDisposable)?.Dispose();
        }
    }
}
