using Que2Engage.Data;
using Que2Engage.Modeling;
using Que2Engage.Retrieval.Sharding;

namespace Que2Engage.Retrieval;

/// <summary>
/// A catalog index directory: <c>manifest.json</c>, <c>vectors.q2v</c> (any <see cref="VectorIndexKind"/>, see
/// <see cref="VectorIndexFile"/>), <c>lexical/</c> (Lucene BM25), <c>products.jsonl</c> (display records), all sharing
/// one id space (the catalog ordinal), and <c>writes.wal</c>, the write-ahead log of upserts and deletes made since this
/// generation was written (replayed on open). Built into a temporary sibling folder and renamed into place, so readers
/// never see half an index. Searching is thread-safe; an index opened with <see cref="OpenWritable"/> also takes
/// upserts and deletes while serving. The one entry point of its parts: <see cref="CatalogLoader"/> opens and checks a
/// generation, <see cref="CatalogSearcher"/> searches it, <see cref="CatalogBuilder"/> builds and appends generations
/// on disk and <see cref="CatalogWriter"/> writes while serving (log, compaction, writer lock).
/// </summary>
public sealed class CatalogIndex : IDisposable
{
    private readonly ServedGeneration _generation;
    private readonly CatalogSearcher _searcher;
    private readonly CatalogWriter? _writer;

    private CatalogIndex(ServedGeneration generation, CatalogWriter? writer)
    {
        _generation = generation;
        _searcher = new CatalogSearcher(generation);
        _writer = writer;
    }

    public string Directory => _generation.Directory;
    /// <summary>The manifest of the generation currently loaded (replaced by a compaction).</summary>
    public IndexManifest Manifest => _generation.Manifest;
    public IVectorIndex Vectors => _generation.State.Vectors;
    public LexicalIndex Lexical => _generation.State.Lexical;

    /// <summary>The live listings in ordinal order (a snapshot).</summary>
    public IReadOnlyList<CatalogEntry> Products => _searcher.Products();

    /// <summary>Live listings.</summary>
    public int Count => _generation.State.LiveCount;
    /// <summary>Deleted or replaced listings still in the in-memory graph (removed by the next compaction).</summary>
    public int Tombstones => _generation.State.Tombstones;
    public int Dimension => _generation.State.Vectors.Dimension;

    public CatalogEntry? FindProduct(string productId) => _searcher.FindProduct(productId);

    /// <summary>
    /// Opens an index directory for searching, checking that its parts agree with the manifest and with each other,
    /// and replays its write-ahead log (the writes made since the generation was written).
    /// </summary>
    public static CatalogIndex Open(string directory, FusionOptions? fusion = null) => new(CatalogLoader.Open(directory, fusion), writer: null);

    /// <summary>
    /// Opens an index for searching and writing: takes the index's writer lock (one writer per index), finishes an
    /// interrupted generation swap, replays the write-ahead log (dropping a torn, never-acknowledged tail) and starts
    /// the writer loop.
    /// </summary>
    public static CatalogIndex OpenWritable(string directory, CatalogWriteOptions? options = null, FusionOptions? fusion = null)
    {
        var writer = CatalogWriter.Open(directory, options, fusion);
        return new CatalogIndex(writer.Generation, writer);
    }

    /// <summary>
    /// Repairs a damaged write-ahead log under the index's writer lock (no server may be writing it):
    /// <see cref="CatalogWriteLog.Repair"/> keeps every record it can prove good and keeps the damaged file beside it.
    /// </summary>
    public static WriteLogRepair RepairWriteLog(string directory) => CatalogWriter.RepairLog(directory);

    /// <summary>
    /// Embeds <paramref name="products"/> in batches with <paramref name="model"/> and writes a new index directory at
    /// <paramref name="outDir"/> (replacing an existing index there; refusing to replace anything else).
    /// </summary>
    public static IndexManifest Build(IReadOnlyList<Product> products, IEmbeddingModel model, string outDir,
        IndexBuildOptions? options = null, Action<IndexBuildProgress>? progress = null) =>
        CatalogBuilder.Build(products, model, outDir, options, progress);

    /// <summary>
    /// Adds products to an existing index: new ordinals after the existing ones, inserted into the vector index, BM25
    /// documents appended. Works on a copy that replaces the original only when complete.
    /// </summary>
    public static IndexManifest Append(string indexDir, IReadOnlyList<Product> products, IEmbeddingModel model,
        IndexBuildOptions? options = null, Action<IndexBuildProgress>? progress = null) =>
        CatalogBuilder.Append(indexDir, products, model, options, progress);

    /// <summary>
    /// Fails unless <paramref name="model"/> makes vectors of this index's dimension and, when both are known, is the
    /// very model the index was built with (same <see cref="IEmbeddingModel.Identity"/>): a different model of the same
    /// dimension, or one retrained in place, would silently search old vectors with new query embeddings.
    /// </summary>
    public void CheckModel(IEmbeddingModel model) => CatalogLoader.CheckModel(Manifest, Directory, model);

    /// <summary>Embeds one query with <paramref name="model"/> (normalised, dimension-checked).</summary>
    public float[] EmbedQuery(IEmbeddingModel model, string query)
    {
        CheckModel(model);
        return EmbeddingChecks.Normalised(model.EmbedQueries([query])[0], Dimension, "query embedding", extra: model.ExtraCoordinates);
    }

    /// <summary>The product's embedding by <paramref name="model"/>, normalised and dimension-checked (done by the caller, before queueing).</summary>
    public float[] EmbedProduct(IEmbeddingModel model, Product product)
    {
        CheckModel(model);
        return EmbeddingChecks.Normalised(model.EmbedProducts([product])[0], Dimension, $"product '{product.ProductId}'", extra: model.ExtraCoordinates);
    }

    /// <param name="query">Raw query text (BM25 side).</param>
    /// <param name="queryVector">The query embedding; required unless <paramref name="mode"/> is <see cref="SearchMode.Lexical"/>.</param>
    /// <param name="ef">HNSW beam width for this query (null: the index default).</param>
    /// <param name="filter">Field filters, applied inside both retrievers.</param>
    public IReadOnlyList<CatalogHit> Search(string query, float[]? queryVector, int k, SearchMode mode = SearchMode.Hybrid, int? ef = null,
        SearchFilter? filter = null) =>
        SearchAsync(query, queryVector, k, mode, ef, default, filter).GetAwaiter().GetResult();

    public Task<IReadOnlyList<CatalogHit>> SearchAsync(string query, float[]? queryVector, int k, SearchMode mode = SearchMode.Hybrid,
        int? ef = null, CancellationToken cancellationToken = default, SearchFilter? filter = null)
    {
        if (queryVector is not null) queryVector = EmbeddingChecks.Normalised(queryVector, Dimension, "query vector", fromUser: true, extra: Manifest.ExtraCoordinates);
        return SearchAsync(query, queryVector is null ? null : Task.FromResult(queryVector), k, mode, ef, cancellationToken, filter);
    }

    /// <summary>
    /// As above with the query embedding still being computed (e.g. by a <see cref="Serving.QueryEmbeddingBatcher"/>):
    /// the lexical search runs meanwhile and only the vector search waits for it. The vector must already be normalised.
    /// </summary>
    public Task<IReadOnlyList<CatalogHit>> SearchAsync(string query, Task<float[]>? queryVector, int k, SearchMode mode,
        int? ef, CancellationToken cancellationToken, SearchFilter? filter) =>
        _searcher.SearchAsync(query, queryVector, k, mode, ef, cancellationToken, filter);

    /// <summary>This shard's BM25 statistics for the terms of <paramref name="query"/> (summed over shards by the front end).</summary>
    public LexicalStatistics LexicalStatistics(string query) => _searcher.LexicalStatistics(query);

    /// <summary>
    /// This index as one shard of a cluster: the unfused top vector and BM25 candidates of <paramref name="q"/> (its
    /// depths), with the same checks, filters and tombstones as <see cref="SearchAsync(string, float[], int, SearchMode, int?, CancellationToken, SearchFilter)"/>.
    /// The front end merges every shard's lists with <see cref="ShardMerge"/>.
    /// </summary>
    public Task<ShardCandidates> SearchShardAsync(ShardQuery q, CancellationToken cancellationToken = default) =>
        _searcher.SearchShardAsync(q, withCatalogPositions: !IsWritable, cancellationToken);

    /// <summary>True when opened with <see cref="OpenWritable"/>.</summary>
    public bool IsWritable => _writer is { IsOpen: true };
    /// <summary>Sequence number of the last acknowledged write.</summary>
    public long WriteSequence => _writer?.WriteSequence ?? 0;
    /// <summary>Compactions (checkpoints) completed since opening.</summary>
    public int Compactions => _writer?.Compactions ?? 0;
    /// <summary>Set when a background compaction failed (writes go on; the next threshold crossing retries).</summary>
    public string? LastCompactionError => _writer?.LastCompactionError;

    /// <summary>Adds or replaces a listing; completes once it is on disk and searchable. True when it replaced one.</summary>
    public Task<bool> UpsertAsync(CatalogEntry entry, float[] vector)
    {
        if (string.IsNullOrEmpty(entry.ProductId)) throw new InvalidInputException("product_id: must be a non-empty string");
        var normalised = EmbeddingChecks.Normalised(vector, Dimension, $"product '{entry.ProductId}'", extra: Manifest.ExtraCoordinates);
        return Writer.UpsertAsync(entry, normalised);
    }

    /// <summary>Deletes a listing; completes once the delete is on disk and searches no longer return it. False when it was absent.</summary>
    public Task<bool> DeleteAsync(string productId)
    {
        if (string.IsNullOrEmpty(productId)) throw new InvalidInputException("product_id: must be a non-empty string");
        return Writer.DeleteAsync(productId);
    }

    /// <summary>Compacts now and folds the log into a new generation; completes when it is in place.</summary>
    public Task CheckpointAsync() => Writer.CheckpointAsync();

    private CatalogWriter Writer => IsWritable ? _writer! :
        throw new InvalidInputException($"{Directory}: the index was opened read-only; writes need a writable index.");

    public void Dispose()
    {
        _writer?.Stop();
        _generation.State.Dispose();
    }
}
