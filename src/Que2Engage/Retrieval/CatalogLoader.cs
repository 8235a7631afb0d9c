using Que2Engage.Modeling;

namespace Que2Engage.Retrieval;

/// <summary>
/// Opens a catalog generation on disk: checks that its manifest, vectors, product records and lexical index agree,
/// and replays the write-ahead log records it does not hold yet; also checks that a model is the index's own.
/// </summary>
internal static class CatalogLoader
{
    /// <summary>Opens <paramref name="directory"/> for searching (the read-only side of <see cref="CatalogIndex.Open"/>).</summary>
    public static ServedGeneration Open(string directory, FusionOptions? fusion)
    {
        CatalogDirectory.RecoverInterruptedSwap(Path.GetFullPath(directory));
        var (records, _) = CatalogWriteLog.ReadAll(Path.Combine(directory, IndexManifest.WriteLogFile));
        var (manifest, state) = Load(directory, writable: records.Count > 0, fusion);
        try
        {
            Replay(state, records, manifest.WalSeq);
        }
        catch
        {
            state.Dispose();
            throw;
        }
        return new ServedGeneration(directory, manifest, state, fusion);
    }

    /// <summary>Loads the generation in <paramref name="directory"/> (vectors memory-mapped), checking its parts against each other.</summary>
    public static (IndexManifest Manifest, CatalogState State) Load(string directory, bool writable, FusionOptions? fusion)
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

    /// <summary>Applies the log records after <paramref name="foldedSeq"/> (the ones the generation does not hold yet); returns the last sequence number.</summary>
    public static long Replay(CatalogState state, IReadOnlyList<CatalogWrite> records, long foldedSeq)
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

    /// <summary>See <see cref="CatalogIndex.CheckModel"/>.</summary>
    public static void CheckModel(IndexManifest manifest, string directory, IEmbeddingModel model)
    {
        if (model.Dimension != manifest.Dimension)
            throw new InvalidInputException($"The model makes {model.Dimension}-dimensional vectors but the index {directory} holds {manifest.Dimension}-dimensional ones; use the model the index was built with ({manifest.ModelPath ?? "unknown"}).");
        if (manifest.ModelId is string built && model.Identity is string given && !string.Equals(built, given, StringComparison.Ordinal))
            throw new InvalidInputException(
                $"{directory}: the index was built with model {Common.FileChecksum.Short(built)}… ({manifest.ModelPath ?? "path unknown"}) " +
                $"but the model given is {Common.FileChecksum.Short(given)}… (another model, or the same directory retrained); " +
                "rebuild the index with this model or use the one it was built with");
    }
}
