namespace Que2Engage.Retrieval;

/// <summary>
/// One in-memory generation of a catalog index: the vector index, the lexical index, the display records by
/// ordinal and which ordinals are live. Upserts append a new ordinal and tombstone the old one (the HNSW node stays
/// and keeps routing searches, it is just never returned); deletes only tombstone. <see cref="Lock"/> guards the
/// vector index and the tables: searches hold it for reading, the single writer for writing. Lucene has its own
/// concurrency (near-real-time readers). A compaction replaces the whole state; searches that started on the old
/// one finish on it (<see cref="TryEnter"/> / <see cref="Exit"/> count them before it is disposed).
/// </summary>
internal sealed class CatalogState : IDisposable
{
    public readonly ReaderWriterLockSlim Lock = new(LockRecursionPolicy.NoRecursion);
    public readonly IVectorIndex Vectors;
    public readonly LexicalIndex Lexical;
    public readonly List<CatalogEntry> Entries;
    public readonly Dictionary<string, int> OrdinalById;
    public readonly OrdinalSet Live;
    public readonly HybridSearcher Searcher;
    private int _users;
    private bool _retired, _disposed;

    public CatalogState(IVectorIndex vectors, LexicalIndex lexical, List<CatalogEntry> entries, FusionOptions? fusion)
    {
        Vectors = vectors;
        Lexical = lexical;
        Entries = entries;
        OrdinalById = new Dictionary<string, int>(entries.Count, StringComparer.Ordinal);
        Live = OrdinalSet.All(entries.Count);
        for (int i = 0; i < entries.Count; i++) OrdinalById[entries[i].ProductId] = i;
        Searcher = new HybridSearcher(vectors, lexical, fusion, Lock);
    }

    public int LiveCount => Live.Count;
    public int Tombstones => Entries.Count - Live.Count;

    /// <summary>Applies one write (caller holds the write lock). Returns whether the id was in the catalog before.</summary>
    public bool Apply(CatalogWrite w)
    {
        bool existed = OrdinalById.TryGetValue(w.ProductId, out int old);
        if (existed)
        {
            Live.Remove(old);
            OrdinalById.Remove(w.ProductId);
        }
        if (w.Op == CatalogOp.Delete)
        {
            if (existed) Lexical.Delete(w.ProductId);
            return existed;
        }
        int ordinal = Vectors.Add(w.Vector);
        if (ordinal != Entries.Count) throw new InvalidOperationException($"vector id {ordinal} does not follow {Entries.Count} records");
        Entries.Add(w.Entry!);
        OrdinalById[w.ProductId] = ordinal;
        Live.Add(ordinal);
        Lexical.Upsert(ordinal, w.Entry!);
        return existed;
    }

    /// <summary>
    /// What a vector search may return (caller holds the read lock): null when every ordinal is live and there is no
    /// filter, the live set when only tombstones exclude, else the live ordinals that pass <paramref name="filter"/>.
    /// </summary>
    public OrdinalSet? Allowed(SearchFilter? filter)
    {
        if (filter is null || filter.IsEmpty) return Live.Count == Entries.Count ? null : Live;
        int n = Entries.Count;
        var allowed = new OrdinalSet(n);
        for (int o = 0; o < n; o++)
            if (Live.Contains(o) && filter.Matches(Entries[o])) allowed.Add(o);
        return allowed;
    }

    public bool TryEnter()
    {
        lock (this)
        {
            if (_disposed) return false;
            _users++;
            return true;
        }
    }

    public void Exit()
    {
        bool dispose;
        lock (this) dispose = --_users == 0 && _retired && !_disposed;
        if (dispose) DisposeNow();
    }

    /// <summary>No new searches start on this state; it is disposed when the last running one ends.</summary>
    public void Retire()
    {
        bool dispose;
        lock (this) { _retired = true; dispose = _users == 0 && !_disposed; }
        if (dispose) DisposeNow();
    }

    private void DisposeNow()
    {
        lock (this) { if (_disposed) return; _disposed = true; }
        Lexical.Dispose();
    }

    public void Dispose() => Retire();
}
