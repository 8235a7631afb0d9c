using System.Diagnostics;
using Que2Engage.Common;
using Que2Engage.Data;
using Que2Engage.Modeling;

namespace Que2Engage.Retrieval;

/// <summary>
/// A catalog index directory: <c>manifest.json</c>, <c>vectors.q2v</c> (flat or HNSW, see <see cref="VectorIndexFile"/>),
/// <c>lexical/</c> (Lucene BM25), <c>products.jsonl</c> (display records), all sharing one id space (the catalog
/// ordinal), and <c>writes.wal</c>, the write-ahead log of upserts and deletes made since this generation was written
/// (replayed on open). Built into a temporary sibling folder and renamed into place, so readers never see half an
/// index. Searching is thread-safe; an index opened with <see cref="OpenWritable"/> also takes upserts and deletes
/// while serving (see CatalogIndex.Writes.cs).
/// </summary>
public sealed partial class CatalogIndex : IDisposable
{
    private volatile CatalogState _state;
    private readonly FusionOptions? _fusion;

    private CatalogIndex(string directory, IndexManifest manifest, CatalogState state, FusionOptions? fusion)
    {
        Directory = directory;
        Manifest = manifest;
        _state = state;
        _fusion = fusion;
    }

    public string Directory { get; }
    /// <summary>The manifest of the generation currently loaded (replaced by a compaction).</summary>
    public IndexManifest Manifest { get; private set; }
    public IVectorIndex Vectors => _state.Vectors;
    public LexicalIndex Lexical => _state.Lexical;

    /// <summary>The live listings in ordinal order (a snapshot).</summary>
    public IReadOnlyList<CatalogEntry> Products
    {
        get
        {
            var s = _state;
            s.Lock.EnterReadLock();
            try { return s.Live.Ordinals().Select(o => s.Entries[o]).ToList(); }
            finally { s.Lock.ExitReadLock(); }
        }
    }

    /// <summary>Live listings.</summary>
    public int Count => _state.LiveCount;
    /// <summary>Deleted or replaced listings still in the in-memory graph (removed by the next compaction).</summary>
    public int Tombstones => _state.Tombstones;
    public int Dimension => _state.Vectors.Dimension;

    public CatalogEntry? FindProduct(string productId)
    {
        var s = _state;
        s.Lock.EnterReadLock();
        try { return s.OrdinalById.TryGetValue(productId, out int i) ? s.Entries[i] : null; }
        finally { s.Lock.ExitReadLock(); }
    }

    /// <summary>
    /// Opens an index directory for searching, checking that its parts agree with the manifest and with each other,
    /// and replays its write-ahead log (the writes made since the generation was written).
    /// </summary>
    public static CatalogIndex Open(string directory, FusionOptions? fusion = null)
    {
        RecoverInterruptedSwap(Path.GetFullPath(directory));
        var (records, _) = CatalogWriteLog.ReadAll(Path.Combine(directory, IndexManifest.WriteLogFile));
        var (manifest, state) = LoadGeneration(directory, writable: records.Count > 0, fusion);
        try
        {
            Replay(state, records, manifest.WalSeq);
        }
        catch
        {
            state.Dispose();
            throw;
        }
        return new CatalogIndex(directory, manifest, state, fusion);
    }

    private static (IndexManifest Manifest, CatalogState State) LoadGeneration(string directory, bool writable, FusionOptions? fusion)
    {
        var manifest = IndexManifest.Read(directory);
        // Memory-mapped: a million-listing index opens without copying its float vectors into the heap.
        var vectors = VectorIndexFile.Load(Path.Combine(directory, IndexManifest.VectorsFile), memoryMap: true);
        if (vectors.Dimension != manifest.Dimension || vectors.Count != manifest.Products)
            throw new InvalidInputException($"{directory}: inconsistent index: the manifest says {manifest.Products} products of dimension {manifest.Dimension}, the vector index holds {vectors.Count} of dimension {vectors.Dimension}.");
        manifest.VerifyProducts(directory);
        var products = ProductStore.Read(Path.Combine(directory, IndexManifest.ProductsFile));
        if (products.Count != manifest.Products)
            throw new InvalidInputException($"{directory}: inconsistent index: {products.Count} product records for {manifest.Products} vectors.");
        var lexicalDir = Path.Combine(directory, IndexManifest.LexicalDirectory);
        var lexical = writable ? LexicalIndex.OpenWritable(lexicalDir) : LexicalIndex.Open(lexicalDir);
        if (lexical.Count != manifest.Products)
        {
            lexical.Dispose();
            throw new InvalidInputException($"{directory}: inconsistent index: the lexical index holds {lexical.Count} documents for {manifest.Products} products.");
        }
        return (manifest, new CatalogState(vectors, lexical, products, fusion));
    }

    /// <summary>Applies the log records after <paramref name="foldedSeq"/> (the ones the generation does not hold yet).</summary>
    private static long Replay(CatalogState state, IReadOnlyList<CatalogWrite> records, long foldedSeq)
    {
        long last = foldedSeq;
        int applied = 0;
        foreach (var r in records)
        {
            if (r.Seq <= foldedSeq) continue;
            if (r.Op == CatalogOp.Upsert && r.Vector!.Length != state.Vectors.Dimension)
                throw new InvalidInputException($"write log record {r.Seq}: a vector of dimension {r.Vector.Length} for an index of dimension {state.Vectors.Dimension}.");
            state.Apply(r);
            last = r.Seq;
            applied++;
        }
        if (applied > 0) state.Lexical.Refresh();
        return last;
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
    public async Task<IReadOnlyList<CatalogHit>> SearchAsync(string query, Task<float[]>? queryVector, int k, SearchMode mode,
        int? ef, CancellationToken cancellationToken, SearchFilter? filter)
    {
        if (filter is { IsEmpty: false } && mode != SearchMode.Ebr && !Manifest.FilterFields)
            throw new InvalidInputException($"{Directory}: this index was built before search filters existed; rebuild it with 'index' (or filter with mode ebr).");
        CatalogState state;
        while (true)
        {
            state = _state;
            if (state.TryEnter()) break;
        }
        try
        {
            OrdinalSet? allowed;
            state.Lock.EnterReadLock();
            try { allowed = state.Allowed(filter); }
            finally { state.Lock.ExitReadLock(); }
            var fused = await state.Searcher.SearchAsync(query ?? "", queryVector, k, mode, ef, cancellationToken, allowed, filter).ConfigureAwait(false);
            var hits = new List<CatalogHit>(fused.Count);
            state.Lock.EnterReadLock();
            try
            {
                foreach (var f in fused)
                {
                    // A write between the two retrievers' searches can leave one of them holding a listing replaced since.
                    if (!state.Live.Contains(f.Ordinal)) continue;
                    hits.Add(new CatalogHit(hits.Count + 1, state.Entries[f.Ordinal], f.Score, f.Sources, f.EbrScore, f.EbrRank, f.LexicalScore, f.LexicalRank));
                }
            }
            finally { state.Lock.ExitReadLock(); }
            return hits;
        }
        finally
        {
            state.Exit();
        }
    }

    public void Dispose()
    {
        StopWriting();
        _state.Dispose();
    }

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
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target) ?? ".");
        using var writerLock = AcquireWriterLock(target);   // not while a server or an offline upsert writes it
        var temp = StagingDirectory.Create(target, "building");
        try
        {
            int dim = model.Dimension;
            IVectorIndex vectors = options.Kind.Create(dim, options, Math.Max(1, products.Count));
            var (embedSeconds, indexSeconds) = EmbedInto(vectors, products, model, options.BatchSize, options.Threads, progress);
            vectors.Save(Path.Combine(temp, IndexManifest.VectorsFile));
            LexicalIndex.Write(Path.Combine(temp, IndexManifest.LexicalDirectory), products.Select((p, i) => (i, p)));
            ProductStore.Write(Path.Combine(temp, IndexManifest.ProductsFile), products.Select(CatalogEntry.From));
            File.Create(Path.Combine(temp, IndexManifest.WriteLogFile)).Dispose();
            var now = DateTime.UtcNow;
            var manifest = new IndexManifest
            {
                CreatedUtc = now,
                UpdatedUtc = now,
                ModelPath = options.ModelPath is null ? null : Path.GetFullPath(options.ModelPath),
                ModelId = model.Identity,
                Dimension = dim,
                ExtraCoordinates = model.ExtraCoordinates,
                Products = products.Count,
                VectorKind = vectors.Kind,
                HnswM = options.Kind == VectorIndexKind.Hnsw ? options.M : null,
                HnswEfConstruction = options.Kind == VectorIndexKind.Hnsw ? options.EfConstruction : null,
                HnswSeed = options.Kind == VectorIndexKind.Hnsw ? options.Seed : null,
                Quantization = vectors.Quantization == VectorQuantization.Int8 ? "int8" : null,
                FilterFields = true,
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
        using var writerLock = AcquireWriterLock(target);
        CheckModel(manifest, indexDir, model);
        manifest.VerifyProducts(target);
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
            var (embedSeconds, indexSeconds) = EmbedInto(vectors, products, model, options.BatchSize, options.Threads, progress);
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

    /// <summary>
    /// Embeds every product (batches of <paramref name="batchSize"/>; libtorch uses its intra-op threads inside each
    /// batch) into one row-major block, then inserts the block with <see cref="IVectorIndex.AddRows"/> (an HNSW graph on
    /// <paramref name="threads"/> threads, which also fits an int8 quantiser; a flat index row by row).
    /// </summary>
    private static (double EmbedSeconds, double IndexSeconds) EmbedInto(IVectorIndex vectors, IReadOnlyList<Product> products,
        IEmbeddingModel model, int batchSize, int threads, Action<IndexBuildProgress>? progress)
    {
        int dim = vectors.Dimension, total = products.Count;
        var rows = new float[(long)total * dim];
        var embedClock = Stopwatch.StartNew();
        var batch = new List<Product>(batchSize);
        for (int start = 0; start < total; start += batchSize)
        {
            batch.Clear();
            for (int i = start; i < Math.Min(total, start + batchSize); i++) batch.Add(products[i]);
            var embedded = model.EmbedProducts(batch);
            if (embedded.Length != batch.Count)
                throw new Que2EngageException($"The model returned {embedded.Length} vectors for a batch of {batch.Count} products.");
            for (int i = 0; i < embedded.Length; i++)
                EmbeddingChecks.Normalised(embedded[i], dim, $"product '{batch[i].ProductId}'", extra: model.ExtraCoordinates)
                    .CopyTo(rows.AsSpan((start + i) * dim, dim));
            int done = start + batch.Count;
            progress?.Invoke(new IndexBuildProgress(done, total, done / Math.Max(1e-9, embedClock.Elapsed.TotalSeconds)));
        }
        double embedSeconds = embedClock.Elapsed.TotalSeconds;
        var indexClock = Stopwatch.StartNew();
        vectors.AddRows(rows, threads, done => progress?.Invoke(
            new IndexBuildProgress(done, total, done / Math.Max(1e-9, indexClock.Elapsed.TotalSeconds), IndexBuildPhase.Indexing)));
        return (embedSeconds, indexClock.Elapsed.TotalSeconds);
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
