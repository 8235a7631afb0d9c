using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Que2Engage.Data;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace Que2Engage.Retrieval;

/// <summary>
/// BM25 (k1 = 1.2, b = 0.75) over title, description and category in a Lucene.Net index directory. Each document
/// carries the product id and the catalog ordinal as doc values (column-stride, read per hit without decompressing
/// a stored document), so lexical hits join vector hits without a lookup table.
/// Queries are analysed with <see cref="MultilingualAnalyzer"/> and built as term queries (never parsed with Lucene
/// syntax, so "ikea (red" or "AND" typed by a user cannot fail): per term a dis-max over the fields (title boosted),
/// summed over terms. Searching is thread-safe.
/// </summary>
public sealed partial class LexicalIndex : IDisposable
{
    public const string IdField = "id", OrdinalField = "ord", TitleField = "title", DescriptionField = "description", CategoryField = "category";

    /// <summary>Unscored fields that <see cref="SearchFilter"/> turns into Lucene filter queries.</summary>
    public const string PriceField = "price", ConditionField = "condition", CategoryKeyField = "category_key",
        SellerRatingField = "seller_rating", DistanceField = "distance_km", PhotoCountField = "photo_count";
    private static readonly (string Field, float Boost)[] SearchFields = [(TitleField, 2.0f), (CategoryField, 1.5f), (DescriptionField, 1.0f)];

    /// <summary>
    /// Doc-value twins of <see cref="IdField"/> and <see cref="OrdinalField"/>, read for each hit. Segments written
    /// before they existed (indexes from earlier versions) have only the stored fields, which are read instead.
    /// </summary>
    private const string IdValuesField = "id_dv", OrdinalValuesField = "ord_dv";

    /// <summary>Queries are cut to this many distinct terms (Lucene caps a boolean query at 1024 clauses).</summary>
    public const int MaxQueryTerms = 64;

    private readonly LuceneDirectory _directory;
    private readonly DirectoryReader? _reader;
    private readonly IndexSearcher? _searcher;
    private readonly IndexWriter? _writer;
    private readonly SearcherManager? _manager;
    private readonly MultilingualAnalyzer _analyzer = new();

    private LexicalIndex(LuceneDirectory directory, DirectoryReader reader)
    {
        _directory = directory;
        _reader = reader;
        _searcher = new IndexSearcher(reader) { Similarity = new BM25Similarity() };
    }

    private LexicalIndex(LuceneDirectory directory, IndexWriter writer)
    {
        _directory = directory;
        _writer = writer;
        _manager = new SearcherManager(writer, applyAllDeletes: true, new Bm25SearcherFactory());
    }

    /// <summary>Live (not deleted) documents.</summary>
    public int Count
    {
        get
        {
            if (_reader is not null) return _reader.NumDocs;
            var s = _manager!.Acquire();
            try { return s.IndexReader.NumDocs; }
            finally { _manager.Release(s); }
        }
    }

    /// <summary>True for an index opened with <see cref="OpenWritable"/>: <see cref="Upsert"/> and <see cref="Delete"/> work.</summary>
    public bool IsWritable => _writer is not null;

    private sealed class Bm25SearcherFactory : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader) => new(reader) { Similarity = new BM25Similarity() };
    }

    /// <summary>The Lucene document of one listing: BM25 text fields plus the unscored fields filters run on.</summary>
    internal static Document ToDocument(int ordinal, CatalogEntry p)
    {
        var doc = new Document
        {
            new StringField(IdField, p.ProductId, Field.Store.YES),
            new StoredField(OrdinalField, ordinal),
            new NumericDocValuesField(OrdinalValuesField, ordinal),
            new BinaryDocValuesField(IdValuesField, new Lucene.Net.Util.BytesRef(p.ProductId)),
            new TextField(TitleField, p.Title, Field.Store.NO),
            new TextField(DescriptionField, p.Description ?? "", Field.Store.NO),
            new DoubleField(PriceField, p.Price, Field.Store.NO),
            new StringField(ConditionField, p.Condition, Field.Store.NO),
            new Int32Field(PhotoCountField, p.PhotoCount, Field.Store.NO),
        };
        if (!string.IsNullOrEmpty(p.Category))
        {
            doc.Add(new TextField(CategoryField, p.Category, Field.Store.NO));
            doc.Add(new StringField(CategoryKeyField, CategoryKey(p.Category), Field.Store.NO));
        }
        if (p.SellerRating is double r) doc.Add(new DoubleField(SellerRatingField, r, Field.Store.NO));
        if (p.DistanceKm is double d) doc.Add(new DoubleField(DistanceField, d, Field.Store.NO));
        return doc;
    }

    private static string CategoryKey(string category) => category.Trim().ToLowerInvariant();

    /// <summary>The Lucene filter equivalent of <see cref="SearchFilter.Matches"/>; null for an empty filter.</summary>
    internal static Filter? ToLuceneFilter(SearchFilter? filter)
    {
        if (filter is null || filter.IsEmpty) return null;
        var all = new BooleanQuery();
        if (filter.MinPrice is not null || filter.MaxPrice is not null)
            all.Add(NumericRangeQuery.NewDoubleRange(PriceField, filter.MinPrice, filter.MaxPrice, true, true), Occur.MUST);
        if (filter.Conditions is { Count: > 0 } cs)
        {
            var any = new BooleanQuery();
            foreach (var c in cs) any.Add(new TermQuery(new Term(ConditionField, c)), Occur.SHOULD);
            all.Add(any, Occur.MUST);
        }
        if (filter.Category is not null) all.Add(new TermQuery(new Term(CategoryKeyField, CategoryKey(filter.Category))), Occur.MUST);
        if (filter.MaxDistanceKm is double d) all.Add(NumericRangeQuery.NewDoubleRange(DistanceField, null, d, true, true), Occur.MUST);
        if (filter.MinSellerRating is double r) all.Add(NumericRangeQuery.NewDoubleRange(SellerRatingField, r, null, true, true), Occur.MUST);
        if (filter.HasPhoto is bool photo)
            all.Add(photo ? NumericRangeQuery.NewInt32Range(PhotoCountField, 1, null, true, true)
                          : NumericRangeQuery.NewInt32Range(PhotoCountField, null, 0, true, true), Occur.MUST);
        return new QueryWrapperFilter(all);
    }

    /// <summary>
    /// Writes (or, with <paramref name="append"/>, adds to) the Lucene index in <paramref name="directory"/>.
    /// Ordinals must be the catalog positions the vector index uses.
    /// </summary>
    public static void Write(string directory, IEnumerable<(int Ordinal, Product Product)> products, bool append = false)
    {
        using var dir = FSDirectory.Open(directory);
        using var analyzer = new MultilingualAnalyzer();
        var config = new IndexWriterConfig(MultilingualAnalyzer.Version, analyzer)
        {
            Similarity = new BM25Similarity(),
            OpenMode = append ? OpenMode.APPEND : OpenMode.CREATE,
        };
        using var writer = new IndexWriter(dir, config);
        foreach (var (ordinal, p) in products) writer.AddDocument(ToDocument(ordinal, CatalogEntry.From(p)));
        writer.Commit();
    }

    /// <summary>Writes a new Lucene index of <paramref name="entries"/> (ordinal, record) in <paramref name="directory"/>.</summary>
    public static void Write(string directory, IEnumerable<(int Ordinal, CatalogEntry Entry)> entries)
    {
        using var dir = FSDirectory.Open(directory);
        using var analyzer = new MultilingualAnalyzer();
        using var writer = new IndexWriter(dir, new IndexWriterConfig(MultilingualAnalyzer.Version, analyzer)
        {
            Similarity = new BM25Similarity(),
            OpenMode = OpenMode.CREATE,
        });
        foreach (var (ordinal, e) in entries) writer.AddDocument(ToDocument(ordinal, e));
        writer.Commit();
    }

    /// <summary>
    /// Opens a copy of the on-disk index in memory with an <see cref="IndexWriter"/> and a near-real-time searcher:
    /// updates and deletes (Lucene's own updateDocument / deleteDocuments) are visible after <see cref="Refresh"/>,
    /// and the on-disk index of the generation is never modified (the write-ahead log makes them durable).
    /// </summary>
    public static LexicalIndex OpenWritable(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
            throw new InvalidInputException($"{directory}: the lexical index directory does not exist.");
        LuceneDirectory? ram = null;
        LexicalIndex? index = null;
        try
        {
            using (var disk = FSDirectory.Open(directory)) ram = new RAMDirectory(disk, IOContext.DEFAULT);
            var config = new IndexWriterConfig(MultilingualAnalyzer.Version, new MultilingualAnalyzer())
            {
                Similarity = new BM25Similarity(),
                OpenMode = OpenMode.APPEND,
            };
            index = new LexicalIndex(ram, new IndexWriter(ram, config));
            // The same footer-checksum pass as the read-only open (over the in-memory copy, so no second disk read):
            // without it serve --write-key-file would search, and later fold, silently damaged postings.
            var searcher = index._manager!.Acquire();
            try { foreach (var leaf in searcher.IndexReader.Leaves) leaf.AtomicReader.CheckIntegrity(); }
            finally { index._manager.Release(searcher); }
            CheckFooters(ram);
            return index;
        }
        catch (Exception e) when (IsDamage(e))
        {
            string? file = ram is null ? null : DamagedFile(ram);
            if (index is not null) index.Dispose(); else ram?.Dispose();
            throw Unreadable(directory, file, e);
        }
    }

    /// <summary>Adds or replaces (by product id) the document of one listing. Visible after <see cref="Refresh"/>.</summary>
    public void Upsert(int ordinal, CatalogEntry entry) =>
        RequireWriter().UpdateDocument(new Term(IdField, entry.ProductId), ToDocument(ordinal, entry));

    /// <summary>Deletes the document of <paramref name="productId"/>. Visible after <see cref="Refresh"/>.</summary>
    public void Delete(string productId) => RequireWriter().DeleteDocuments(new Term(IdField, productId));

    /// <summary>Makes every update so far visible to the next search (near-real-time reopen).</summary>
    public void Refresh()
    {
        RequireWriter();
        _manager!.MaybeRefreshBlocking();
    }

    private IndexWriter RequireWriter() => _writer ?? throw new InvalidOperationException("The lexical index was opened read-only.");

    /// <summary>Opens a written index memory-mapped.</summary>
    public static LexicalIndex Open(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
            throw new InvalidInputException($"{directory}: the lexical index directory does not exist.");
        var dir = new MMapDirectory(directory);
        DirectoryReader? reader = null;
        try
        {
            reader = DirectoryReader.Open(dir);
            // Lucene stores a checksum in every file's footer but only verifies it when asked: read each segment's
            // files once now, so flipped bytes are an error at open instead of wrong or crashing searches later.
            // Measured on a 20k-product world (2.3 MB lexical directory, warm): 22–52 ms, against 2 ms for
            // DirectoryReader.Open alone and ~400 ms for the whole CatalogIndex.Open, so it stays.
            foreach (var leaf in reader.Leaves) leaf.AtomicReader.CheckIntegrity();
            CheckFooters(dir);
            return new LexicalIndex(dir, reader);
        }
        catch (Exception e) when (IsDamage(e))
        {
            reader?.Dispose();
            string? file = DamagedFile(dir);
            dir.Dispose();
            throw Unreadable(directory, file, e);
        }
    }

    /// <summary>
    /// CheckIntegrity verifies the codec files inside a compound file, not the compound file's own end: a .cfs cut
    /// just before its footer loses no posting yet is a damaged file. Checking that every file of the commit still
    /// ends in a well-formed footer reads 16 bytes a file.
    /// </summary>
    private static void CheckFooters(LuceneDirectory dir)
    {
        var infos = new SegmentInfos();
        infos.Read(dir);
        foreach (var name in infos.GetFiles(dir, includeSegmentsFile: false))
        {
            using var input = dir.OpenInput(name, IOContext.READ_ONCE);
            Lucene.Net.Codecs.CodecUtil.RetrieveChecksum(input);
        }
    }

    /// <summary>
    /// Lucene reports a damaged directory with whatever its decoders trip on, not only CorruptIndexException: a
    /// flipped byte in a codec name of segments_N is an ArgumentException ("Codec … cannot be loaded"), a truncated
    /// compound file an ArgumentException from slice(), others EndOfStream or IndexOutOfRange. Only Lucene runs
    /// inside the open's try, so every exception there but the process-level ones means "this directory is unreadable".
    /// </summary>
    private static bool IsDamage(Exception e) => e is not (OutOfMemoryException or OperationCanceledException or InvalidInputException);

    /// <summary>One line: the directory, the file found damaged when there is one, and Lucene's own first sentence.</summary>
    private static InvalidInputException Unreadable(string directory, string? file, Exception e)
    {
        string detail = e.Message.ReplaceLineEndings(" ");
        int sentence = detail.IndexOf(". ", StringComparison.Ordinal);
        if (sentence > 0) detail = detail[..(sentence + 1)];
        if (detail.Length > 300) detail = detail[..300] + "…";
        string where = file is null ? "" : $" ({file} is damaged)";
        return new InvalidInputException($"{directory}: not a readable Lucene index{where}: {e.GetType().Name}: {detail}", e);
    }

    /// <summary>
    /// Which file of the last commit is damaged, for the error message (run only after an open failed): segments_N
    /// when it cannot be parsed, else the first file it lists whose footer checksum (CodecUtil) does not verify or
    /// that cannot be read to its end; null when none can be pointed at.
    /// </summary>
    private static string? DamagedFile(LuceneDirectory dir)
    {
        string? segments;
        try { segments = SegmentInfos.GetLastCommitSegmentsFileName(dir); }
        catch (Exception e) when (IsDamage(e)) { return null; }
        if (segments is null) return null;
        var infos = new SegmentInfos();
        try { infos.Read(dir, segments); }
        catch (Exception e) when (IsDamage(e)) { return segments; }
        ICollection<string> files;
        try { files = infos.GetFiles(dir, includeSegmentsFile: false); }
        catch (Exception e) when (IsDamage(e)) { return segments; }
        foreach (var name in files.Order(StringComparer.Ordinal))
        {
            try
            {
                using var input = dir.OpenInput(name, IOContext.READ_ONCE);
                Lucene.Net.Codecs.CodecUtil.ChecksumEntireFile(input);
            }
            catch (Exception e) when (IsDamage(e)) { return name; }
        }
        return null;
    }

    /// <summary>The distinct analysed terms of <paramref name="text"/>, in order of appearance.</summary>
    public IReadOnlyList<string> Analyze(string text)
    {
        var terms = new List<string>();
        var seen = new HashSet<string>();
        using var stream = _analyzer.GetTokenStream(TitleField, text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken() && terms.Count < MaxQueryTerms)
        {
            var t = term.ToString();
            if (seen.Add(t)) terms.Add(t);
        }
        stream.End();
        return terms;
    }

    /// <summary>Up to <paramref name="k"/> BM25 hits, best first; empty when the query has no indexable term.</summary>
    public IReadOnlyList<LexicalHit> Search(string query, int k, SearchFilter? filter = null)
    {
        VectorIndexExtensions.CheckK(k);
        var terms = Analyze(query);
        if (terms.Count == 0) return [];
        if (_manager is null) return Search(_searcher!, terms, k, filter);
        var searcher = _manager.Acquire();
        try { return Search(searcher, terms, k, filter); }
        finally { _manager.Release(searcher); }
    }

    private static IReadOnlyList<LexicalHit> Search(IndexSearcher searcher, IReadOnlyList<string> terms, int k, SearchFilter? filter)
    {
        int count = searcher.IndexReader.NumDocs;
        if (count == 0) return [];
        var boolean = new BooleanQuery();
        foreach (var t in terms)
        {
            var perTerm = new DisjunctionMaxQuery(0.3f);
            foreach (var (field, boost) in SearchFields)
                perTerm.Add(new TermQuery(new Term(field, t)) { Boost = boost });
            boolean.Add(perTerm, Occur.SHOULD);
        }
        var top = searcher.Search(boolean, ToLuceneFilter(filter), Math.Min(k, count));
        var hits = new LexicalHit[top.ScoreDocs.Length];
        var leaves = searcher.IndexReader.Leaves;
        var bytes = new Lucene.Net.Util.BytesRef();
        HashSet<string>? stored = null;
        for (int i = 0; i < hits.Length; i++)
        {
            var sd = top.ScoreDocs[i];
            var leaf = leaves[ReaderUtil.SubIndex(sd.Doc, leaves)];
            var ordinals = leaf.AtomicReader.GetNumericDocValues(OrdinalValuesField);
            var ids = leaf.AtomicReader.GetBinaryDocValues(IdValuesField);
            if (ordinals is not null && ids is not null)
            {
                int local = sd.Doc - leaf.DocBase;
                ids.Get(local, bytes);
                hits[i] = new LexicalHit((int)ordinals.Get(local), bytes.Utf8ToString(), sd.Score);
            }
            else
            {
                var doc = searcher.Doc(sd.Doc, stored ??= [IdField, OrdinalField]);
                hits[i] = new LexicalHit(doc.GetField(OrdinalField).GetInt32Value() ?? -1, doc.Get(IdField), sd.Score);
            }
        }
        return hits;
    }

    public void Dispose()
    {
        _manager?.Dispose();
        _writer?.Dispose();
        _reader?.Dispose();
        _directory.Dispose();
        _analyzer.Dispose();
    }
}
