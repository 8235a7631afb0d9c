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
/// stores the product id and the catalog ordinal, so lexical hits join vector hits without a lookup table.
/// Queries are analysed with <see cref="MultilingualAnalyzer"/> and built as term queries (never parsed with Lucene
/// syntax, so "ikea (red" or "AND" typed by a user cannot fail): per term a dis-max over the fields (title boosted),
/// summed over terms. Searching is thread-safe.
/// </summary>
public sealed class LexicalIndex : IDisposable
{
    public const string IdField = "id", OrdinalField = "ord", TitleField = "title", DescriptionField = "description", CategoryField = "category";
    private static readonly (string Field, float Boost)[] SearchFields = [(TitleField, 2.0f), (CategoryField, 1.5f), (DescriptionField, 1.0f)];

    /// <summary>Queries are cut to this many distinct terms (Lucene caps a boolean query at 1024 clauses).</summary>
    public const int MaxQueryTerms = 64;

    private readonly LuceneDirectory _directory;
    private readonly DirectoryReader _reader;
    private readonly IndexSearcher _searcher;
    private readonly MultilingualAnalyzer _analyzer = new();

    private LexicalIndex(LuceneDirectory directory, DirectoryReader reader)
    {
        _directory = directory;
        _reader = reader;
        _searcher = new IndexSearcher(reader) { Similarity = new BM25Similarity() };
    }

    public int Count => _reader.NumDocs;

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
        foreach (var (ordinal, p) in products)
        {
            var doc = new Document
            {
                new StringField(IdField, p.ProductId, Field.Store.YES),
                new StoredField(OrdinalField, ordinal),
                new TextField(TitleField, p.Title, Field.Store.NO),
                new TextField(DescriptionField, p.Description ?? "", Field.Store.NO),
            };
            if (!string.IsNullOrEmpty(p.Category)) doc.Add(new TextField(CategoryField, p.Category, Field.Store.NO));
            writer.AddDocument(doc);
        }
        writer.Commit();
    }

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
            foreach (var leaf in reader.Leaves) leaf.AtomicReader.CheckIntegrity();
            return new LexicalIndex(dir, reader);
        }
        catch (Exception e) when (e is IndexNotFoundException or CorruptIndexException or IOException)
        {
            reader?.Dispose();
            dir.Dispose();
            throw new InvalidInputException($"{directory}: not a readable Lucene index: {e.Message}", e);
        }
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
    public IReadOnlyList<LexicalHit> Search(string query, int k)
    {
        VectorIndexExtensions.CheckK(k);
        var terms = Analyze(query);
        if (terms.Count == 0 || Count == 0) return [];
        var boolean = new BooleanQuery();
        foreach (var t in terms)
        {
            var perTerm = new DisjunctionMaxQuery(0.3f);
            foreach (var (field, boost) in SearchFields)
                perTerm.Add(new TermQuery(new Term(field, t)) { Boost = boost });
            boolean.Add(perTerm, Occur.SHOULD);
        }
        var top = _searcher.Search(boolean, Math.Min(k, Count));
        var hits = new LexicalHit[top.ScoreDocs.Length];
        var wanted = new HashSet<string> { IdField, OrdinalField };
        for (int i = 0; i < hits.Length; i++)
        {
            var sd = top.ScoreDocs[i];
            var doc = _searcher.Doc(sd.Doc, wanted);
            hits[i] = new LexicalHit(doc.GetField(OrdinalField).GetInt32Value() ?? -1, doc.Get(IdField), sd.Score);
        }
        return hits;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _directory.Dispose();
        _analyzer.Dispose();
    }
}
