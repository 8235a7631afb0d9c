using System.Diagnostics;
using Que2Engage.Common;
using Que2Engage.Data;
using Que2Engage.Modeling;

namespace Que2Engage.Retrieval;

/// <summary>
/// A catalog index directory: <c>manifest.json</c>, <c>vectors.q2v</c> (flat or HNSW, see <see cref="VectorIndexFile"/>),
/// <c>lexical/</c> (Lucene BM25) and <c>products.jsonl</c> (display records), all sharing one id space: the catalog
/// ordinal. Built into a temporary sibling folder and renamed into place, so readers never see half an index.
/// Searching is thread-safe.
/// </summary>
public sealed class CatalogIndex : IDisposable
{
    private readonly List<CatalogEntry> _products;
    private readonly Dictionary<string, int> _ordinalById;
    private readonly HybridSearcher _searcher;

    private CatalogIndex(string directory, IndexManifest manifest, IVectorIndex vectors, LexicalIndex lexical, List<CatalogEntry> products, FusionOptions? fusion)
    {
        Directory = directory;
        Manifest = manifest;
        Vectors = vectors;
        Lexical = lexical;
        _products = products;
        _ordinalById = new Dictionary<string, int>(products.Count, StringComparer.Ordinal);
        for (int i = 0; i < products.Count; i++) _ordinalById[products[i].ProductId] = i;
        _searcher = new HybridSearcher(vectors, lexical, fusion);
    }

    public string Directory { get; }
    public IndexManifest Manifest { get; }
    public IVectorIndex Vectors { get; }
    public LexicalIndex Lexical { get; }
    public IReadOnlyList<CatalogEntry> Products => _products;
    public int Count => _products.Count;
    public int Dimension => Vectors.Dimension;

    public CatalogEntry? FindProduct(string productId) =>
        _ordinalById.TryGetValue(productId, out int i) ? _products[i] : null;

    /// <summary>Opens an index directory, checking that its parts agree with the manifest and with each other.</summary>
    public static CatalogIndex Open(string directory, FusionOptions? fusion = null)
    {
        var manifest = IndexManifest.Read(directory);
        var vectors = VectorIndexFile.Load(Path.Combine(directory, IndexManifest.VectorsFile));
        if (vectors.Dimension != manifest.Dimension || vectors.Count != manifest.Products)
            throw new InvalidInputException($"{directory}: inconsistent index: the manifest says {manifest.Products} products of dimension {manifest.Dimension}, the vector index holds {vectors.Count} of dimension {vectors.Dimension}.");
        var products = ProductStore.Read(Path.Combine(directory, IndexManifest.ProductsFile));
        if (products.Count != manifest.Products)
            throw new InvalidInputException($"{directory}: inconsistent index: {products.Count} product records for {manifest.Products} vectors.");
        var lexical = LexicalIndex.Open(Path.Combine(directory, IndexManifest.LexicalDirectory));
        if (lexical.Count != manifest.Products)
        {
            lexical.Dispose();
            throw new InvalidInputException($"{directory}: inconsistent index: the lexical index holds {lexical.Count} documents for {manifest.Products} products.");
        }
        return new CatalogIndex(directory, manifest, vectors, lexical, products, fusion);
    }

    /// <summary>
    /// Fails unless <paramref name="model"/> makes vectors of this index's dimension and, when both are known, is the
    /// very model the index was built with (same <see cref="IEmbeddingModel.Identity"/>): a different model of the same
    /// dimension, or one retrained in place, would silently search old vectors with new query embeddings.
    /// </summary>
    public void CheckModel(IEmbeddingModel model) => CheckModel(Manifest, Directory, model);

    private static void CheckModel(IndexManifest manifest, string directory, IEmbeddingModel model)
    {
        if (model.Dimension != manifest.Dimension)
            throw new InvalidInputException($"The model makes {model.Dimension}-dimensional vectors but the index {directory} holds {manifest.Dimension}-dimensional ones; use the model the index was built with ({manifest.ModelPath ?? "unknown"}).");
        if (manifest.ModelId is string built && model.Identity is string given && !string.Equals(built, given, StringComparison.Ordinal))
            throw new InvalidInputException(
                $"{directory}: the index was built with model {Common.FileChecksum.Short(built)}… ({manifest.ModelPath ?? "path unknown"}) " +
                $"but the model given is {Common.FileChecksum.Short(given)}… (another model, or the same directory retrained); " +
                "rebuild the index with this model or use the one it was built with");
    }

    /// <summary>Embeds one query with <paramref name="model"/> (normalised, dimension-checked).</summary>
    public float[] EmbedQuery(IEmbeddingModel model, string query)
    {
        CheckModel(model);
        return EmbeddingChecks.Normalised(model.EmbedQueries([query])[0], Dimension, "query embedding", extra: model.ExtraCoordinates);
    }

    /// <param name="query">Raw query text (BM25 side).</param>
    /// <param name="queryVector">The query embedding; required unless <paramref name="mode"/> is <see cref="SearchMode.Lexical"/>.</param>
    /// <param name="ef">HNSW beam width for this query (null: the index default).</param>
    public IReadOnlyList<CatalogHit> Search(string query, float[]? queryVector, int k, SearchMode mode = SearchMode.Hybrid, int? ef = null) =>
        SearchAsync(query, queryVector, k, mode, ef).GetAwaiter().GetResult();

    public async Task<IReadOnlyList<CatalogHit>> SearchAsync(string query, float[]? queryVector, int k, SearchMode mode = SearchMode.Hybrid,
        int? ef = null, CancellationToken cancellationToken = default)
    {
        if (queryVector is not null) queryVector = EmbeddingChecks.Normalised(queryVector, Dimension, "query vector", fromUser: true);
        var fused = await _searcher.SearchAsync(query ?? "", queryVector, k, mode, ef, cancellationToken).ConfigureAwait(false);
        var hits = new CatalogHit[fused.Count];
        for (int i = 0; i < hits.Length; i++)
        {
            var f = fused[i];
            hits[i] = new CatalogHit(i + 1, _products[f.Ordinal], f.Score, f.Sources, f.EbrScore, f.EbrRank, f.LexicalScore, f.LexicalRank);
        }
        return hits;
    }

    public void Dispose() => Lexical.Dispose();

    /// <summary>
    /// Embeds <paramref name="products"/> in batches with <paramref name="model"/> and writes a new index directory at
    /// <paramref name="outDir"/> (replacing an existing index there; refusing to replace anything else).
    /// </summary>
    public static IndexManifest Build(IReadOnlyList<Product> products, IEmbeddingModel model, string outDir,
        IndexBuildOptions? options = null, Action<IndexBuildProgress>? progress = null)
    {
        options ??= new IndexBuildOptions();
        options.Validate();
        CheckUniqueIds(products, existing: null);
        var target = Path.GetFullPath(outDir);
        CheckReplaceable(target);
        var temp = StagingDirectory.Create(target, "building");
        try
        {
            int dim = model.Dimension;
            IVectorIndex vectors = options.Kind == VectorIndexKind.Flat
                ? new FlatIndex(dim, Math.Max(1, products.Count))
                : new HnswIndex(dim, options.HnswOptions, Math.Max(1, products.Count));
            var (embedSeconds, indexSeconds) = EmbedInto(vectors, products, model, options.BatchSize, progress);
            vectors.Save(Path.Combine(temp, IndexManifest.VectorsFile));
            LexicalIndex.Write(Path.Combine(temp, IndexManifest.LexicalDirectory), products.Select((p, i) => (i, p)));
            ProductStore.Write(Path.Combine(temp, IndexManifest.ProductsFile), products.Select(CatalogEntry.From));
            var now = DateTime.UtcNow;
            var manifest = new IndexManifest
            {
                CreatedUtc = now,
                UpdatedUtc = now,
                ModelPath = options.ModelPath is null ? null : Path.GetFullPath(options.ModelPath),
                ModelId = model.Identity,
                Dimension = dim,
                Products = products.Count,
                VectorKind = vectors.Kind,
                HnswM = options.Kind == VectorIndexKind.Hnsw ? options.M : null,
                HnswEfConstruction = options.Kind == VectorIndexKind.Hnsw ? options.EfConstruction : null,
                HnswSeed = options.Kind == VectorIndexKind.Hnsw ? options.Seed : null,
                EmbedSeconds = embedSeconds,
                IndexSeconds = indexSeconds,
            };
            manifest.Write(temp);
            StagingDirectory.Publish(temp, target);
            return manifest;
        }
        catch
        {
            StagingDirectory.TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Adds products to an existing index: new ordinals after the existing ones, HNSW insertion (or flat append),
    /// BM25 documents appended. Works on a copy that replaces the original only when complete.
    /// </summary>
    public static IndexManifest Append(string indexDir, IReadOnlyList<Product> products, IEmbeddingModel model,
        IndexBuildOptions? options = null, Action<IndexBuildProgress>? progress = null)
    {
        options ??= new IndexBuildOptions();
        if (options.BatchSize < 1) throw new InvalidInputException($"The batch size must be at least 1 (got {options.BatchSize}).");
        var target = Path.GetFullPath(indexDir);
        var manifest = IndexManifest.Read(target);
        CheckModel(manifest, indexDir, model);
        var existing = ProductStore.Read(Path.Combine(target, IndexManifest.ProductsFile));
        CheckUniqueIds(products, existing.Select(e => e.ProductId).ToHashSet(StringComparer.Ordinal));
        var temp = StagingDirectory.Create(target, "appending");
        try
        {
            CopyDirectory(target, temp);
            var vectors = VectorIndexFile.Load(Path.Combine(temp, IndexManifest.VectorsFile));
            if (vectors.Count != existing.Count)
                throw new InvalidInputException($"{indexDir}: inconsistent index: {vectors.Count} vectors for {existing.Count} products.");
            int offset = vectors.Count;
            var (embedSeconds, indexSeconds) = EmbedInto(vectors, products, model, options.BatchSize, progress);
            vectors.Save(Path.Combine(temp, IndexManifest.VectorsFile));
            LexicalIndex.Write(Path.Combine(temp, IndexManifest.LexicalDirectory), products.Select((p, i) => (offset + i, p)), append: true);
            ProductStore.Write(Path.Combine(temp, IndexManifest.ProductsFile), products.Select(CatalogEntry.From), append: true);
            var updated = manifest with
            {
                UpdatedUtc = DateTime.UtcNow,
                Products = vectors.Count,
                EmbedSeconds = manifest.EmbedSeconds + embedSeconds,
                IndexSeconds = manifest.IndexSeconds + indexSeconds,
            };
            updated.Write(temp);
            StagingDirectory.Publish(temp, target);
            return updated;
        }
        catch
        {
            StagingDirectory.TryDelete(temp);
            throw;
        }
    }

    private static (double EmbedSeconds, double IndexSeconds) EmbedInto(IVectorIndex vectors, IReadOnlyList<Product> products,
        IEmbeddingModel model, int batchSize, Action<IndexBuildProgress>? progress)
    {
        var embedClock = new Stopwatch();
        var indexClock = new Stopwatch();
        var batch = new List<Product>(batchSize);
        for (int start = 0; start < products.Count; start += batchSize)
        {
            batch.Clear();
            for (int i = start; i < Math.Min(products.Count, start + batchSize); i++) batch.Add(products[i]);
            embedClock.Start();
            var embedded = model.EmbedProducts(batch);
            embedClock.Stop();
            if (embedded.Length != batch.Count)
                throw new Que2EngageException($"The model returned {embedded.Length} vectors for a batch of {batch.Count} products.");
            indexClock.Start();
            for (int i = 0; i < embedded.Length; i++)
                vectors.Add(EmbeddingChecks.Normalised(embedded[i], vectors.Dimension, $"product '{batch[i].ProductId}'", extra: model.ExtraCoordinates));
            indexClock.Stop();
            int done = start + batch.Count;
            progress?.Invoke(new IndexBuildProgress(done, products.Count, done / Math.Max(1e-9, embedClock.Elapsed.TotalSeconds + indexClock.Elapsed.TotalSeconds)));
        }
        return (embedClock.Elapsed.TotalSeconds, indexClock.Elapsed.TotalSeconds);
    }

    private static void CheckUniqueIds(IReadOnlyList<Product> products, HashSet<string>? existing)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < products.Count; i++)
        {
            var id = products[i].ProductId;
            if (string.IsNullOrEmpty(id)) throw new InvalidInputException($"product #{i + 1}: product_id is empty.");
            if (!seen.Add(id)) throw new InvalidInputException($"product #{i + 1}: product_id '{id}' appears twice in the input.");
            if (existing is not null && existing.Contains(id))
                throw new InvalidInputException($"product #{i + 1}: product_id '{id}' is already in the index.");
        }
    }

    /// <summary>An existing target may be replaced only if it is an index (has a manifest) or is empty.</summary>
    private static void CheckReplaceable(string target)
    {
        if (File.Exists(target)) throw new InvalidInputException($"{target}: exists and is a file, not an index directory.");
        if (System.IO.Directory.Exists(target) && System.IO.Directory.EnumerateFileSystemEntries(target).Any()
            && !File.Exists(Path.Combine(target, IndexManifest.FileName)))
            throw new InvalidInputException($"{target}: exists, is not empty and is not a Que2Engage index; refusing to overwrite it.");
    }

    private static void CopyDirectory(string from, string to)
    {
        System.IO.Directory.CreateDirectory(to);
        foreach (var file in System.IO.Directory.EnumerateFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in System.IO.Directory.EnumerateDirectories(from))
            CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
    }
}
