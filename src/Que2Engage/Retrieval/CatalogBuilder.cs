using System.Diagnostics;
using Que2Engage.Common;
using Que2Engage.Data;
using Que2Engage.Modeling;

namespace Que2Engage.Retrieval;

/// <summary>
/// Writes catalog generations on disk: a new index from products (<see cref="Build"/>), an existing one extended with
/// more (<see cref="Append"/>) and the compacted generation of a live index's listings (<see cref="WriteCompacted"/>),
/// each into a staging sibling that is renamed into place only when complete.
/// </summary>
internal static class CatalogBuilder
{
    /// <summary>See <see cref="CatalogIndex.Build"/>.</summary>
    public static IndexManifest Build(IReadOnlyList<Product> products, IEmbeddingModel model, string outDir,
        IndexBuildOptions? options, Action<IndexBuildProgress>? progress)
    {
        options ??= new IndexBuildOptions();
        options.Validate();
        CheckUniqueIds(products, existing: null);
        var target = Path.GetFullPath(outDir);
        CheckReplaceable(target);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target) ?? ".");
        using var writerLock = CatalogDirectory.AcquireWriterLock(target);   // not while a server or an offline upsert writes it
        return StagingDirectory.Build(target, "building", temp =>
        {
            int dim = model.Dimension;
            IVectorIndex vectors = options.Kind.Create(dim, options, Math.Max(1, products.Count));
            var (embedSeconds, indexSeconds) = EmbedInto(vectors, products, model, options.BatchSize, options.Threads, progress);
            vectors.Save(Path.Combine(temp, IndexManifest.VectorsFile));
            LexicalIndex.Write(Path.Combine(temp, IndexManifest.LexicalDirectory), products.Select((p, i) => (i, p)));
            ProductStore.Write(Path.Combine(temp, IndexManifest.ProductsFile), products.Select(CatalogEntry.From));
            File.Create(Path.Combine(temp, IndexManifest.WriteLogFile)).Dispose();
            var now = DateTime.UtcNow;
            var manifest = options.Kind.Describe(new IndexManifest
            {
                CreatedUtc = now,
                UpdatedUtc = now,
                ModelPath = options.ModelPath is null ? null : Path.GetFullPath(options.ModelPath),
                ModelId = model.Identity,
                Dimension = dim,
                ExtraCoordinates = model.ExtraCoordinates,
                Products = products.Count,
                VectorKind = vectors.Kind,
                Quantization = vectors.Quantization == VectorQuantization.Int8 ? "int8" : null,
                FilterFields = true,
                EmbedSeconds = embedSeconds,
                IndexSeconds = indexSeconds,
            }, options);
            manifest.Write(temp);
            return manifest;
        });
    }

    /// <summary>See <see cref="CatalogIndex.Append"/>.</summary>
    public static IndexManifest Append(string indexDir, IReadOnlyList<Product> products, IEmbeddingModel model,
        IndexBuildOptions? options, Action<IndexBuildProgress>? progress)
    {
        options ??= new IndexBuildOptions();
        if (options.BatchSize < 1) throw new InvalidInputException($"The batch size must be at least 1 (got {options.BatchSize}).");
        var target = Path.GetFullPath(indexDir);
        var manifest = IndexManifest.Read(target);
        using var writerLock = CatalogDirectory.AcquireWriterLock(target);
        CatalogLoader.CheckModel(manifest, indexDir, model);
        manifest.VerifyProducts(target);
        var existing = ProductStore.Read(Path.Combine(target, IndexManifest.ProductsFile));
        CheckUniqueIds(products, existing.Select(e => e.ProductId).ToHashSet(StringComparer.Ordinal));
        return StagingDirectory.Build(target, "appending", temp =>
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
            return updated;
        });
    }

    /// <summary>
    /// The compacted generation of <paramref name="target"/> (vectors re-inserted in ordinal order into an empty index like
    /// <paramref name="template"/>, lexical index and records rewritten) in a staging sibling, without its manifest and
    /// log (the writer adds those when it swaps the generation in); returns the sibling's path.
    /// </summary>
    public static string WriteCompacted(string target, IVectorIndex template, List<CatalogEntry> entries,
        List<float[]> vectors, CancellationToken token)
    {
        return StagingDirectory.Fill(target, "checkpoint", temp =>
        {
            var index = template.CreateEmpty(Math.Max(1, vectors.Count));
            for (int i = 0; i < vectors.Count; i++)
            {
                if ((i & 255) == 0) token.ThrowIfCancellationRequested();
                index.Add(vectors[i]);
            }
            index.Save(Path.Combine(temp, IndexManifest.VectorsFile));
            token.ThrowIfCancellationRequested();
            LexicalIndex.Write(Path.Combine(temp, IndexManifest.LexicalDirectory), entries.Select((e, i) => (i, e)));
            ProductStore.Write(Path.Combine(temp, IndexManifest.ProductsFile), entries);
        });
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
