using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;

namespace Que2Engage.Retrieval;

/// <summary>A field's BM25 collection statistics (Lucene's <see cref="Lucene.Net.Search.CollectionStatistics"/>; -1 = unknown).</summary>
public sealed record LexicalFieldStatistics(long MaxDoc, long DocCount, long SumTotalTermFreq, long SumDocFreq);

/// <summary>A term's BM25 statistics in one field (Lucene's <see cref="Lucene.Net.Search.TermStatistics"/>).</summary>
public sealed record LexicalTermStatistics(long DocFreq, long TotalTermFreq);

/// <summary>
/// The corpus statistics BM25 scores a query with (per field: documents and total length; per query term: document
/// frequency). Summed over the shards of a sharded index and handed back to every shard, they make each shard score
/// exactly as one index over the whole catalog would (what Elasticsearch calls DFS query-then-fetch).
/// </summary>
public sealed record LexicalStatistics(Dictionary<string, LexicalFieldStatistics> Fields, Dictionary<string, LexicalTermStatistics> Terms)
{
    public static string TermKey(string field, string term) => field + "\u0001" + term;

    public static LexicalStatistics Sum(IEnumerable<LexicalStatistics> parts)
    {
        static long Add(long a, long b) => a < 0 || b < 0 ? -1 : a + b;
        var fields = new Dictionary<string, LexicalFieldStatistics>(StringComparer.Ordinal);
        var terms = new Dictionary<string, LexicalTermStatistics>(StringComparer.Ordinal);
        foreach (var p in parts)
        {
            foreach (var (f, s) in p.Fields)
                fields[f] = fields.TryGetValue(f, out var t)
                    ? new LexicalFieldStatistics(t.MaxDoc + s.MaxDoc, Add(t.DocCount, s.DocCount), Add(t.SumTotalTermFreq, s.SumTotalTermFreq), Add(t.SumDocFreq, s.SumDocFreq))
                    : s;
            foreach (var (k, s) in p.Terms)
                terms[k] = terms.TryGetValue(k, out var t) ? new LexicalTermStatistics(t.DocFreq + s.DocFreq, Add(t.TotalTermFreq, s.TotalTermFreq)) : s;
        }
        return new LexicalStatistics(fields, terms);
    }
}

public sealed partial class LexicalIndex
{
    /// <summary>This index's BM25 statistics for the terms of <paramref name="query"/> in the searched fields.</summary>
    public LexicalStatistics Statistics(string query)
    {
        var terms = Analyze(query);
        var result = new LexicalStatistics(new(StringComparer.Ordinal), new(StringComparer.Ordinal));
        var searcher = _manager is null ? _searcher! : _manager.Acquire();
        try
        {
            foreach (var (field, _) in SearchFields)
            {
                var c = searcher.CollectionStatistics(field);
                result.Fields[field] = new LexicalFieldStatistics(c.MaxDoc, c.DocCount, c.SumTotalTermFreq, c.SumDocFreq);
                foreach (var t in terms)
                {
                    var term = new Term(field, t);
                    var s = searcher.TermStatistics(term, TermContext.Build(searcher.TopReaderContext, term));
                    result.Terms[LexicalStatistics.TermKey(field, t)] = new LexicalTermStatistics(s.DocFreq, s.TotalTermFreq);
                }
            }
        }
        finally
        {
            if (_manager is not null) _manager.Release(searcher);
        }
        return result;
    }

    /// <summary>
    /// <see cref="Search(string, int, SearchFilter?)"/> scored with the given corpus statistics instead of this
    /// index's own (null: its own): a shard searching with the whole catalog's statistics.
    /// </summary>
    public IReadOnlyList<LexicalHit> Search(string query, int k, SearchFilter? filter, LexicalStatistics? statistics)
    {
        if (statistics is null) return Search(query, k, filter);
        VectorIndexExtensions.CheckK(k);
        var terms = Analyze(query);
        if (terms.Count == 0) return [];
        var searcher = _manager is null ? _searcher! : _manager.Acquire();
        try { return Search(new StatisticsSearcher(searcher.IndexReader, statistics), terms, k, filter); }
        finally { if (_manager is not null) _manager.Release(searcher); }
    }

    /// <summary>An index searcher whose BM25 statistics come from outside (the sum over all shards).</summary>
    private sealed class StatisticsSearcher : IndexSearcher
    {
        private readonly LexicalStatistics _statistics;

        public StatisticsSearcher(IndexReader reader, LexicalStatistics statistics) : base(reader)
        {
            _statistics = statistics;
            Similarity = new BM25Similarity();
        }

        public override TermStatistics TermStatistics(Term term, TermContext context) =>
            _statistics.Terms.TryGetValue(LexicalStatistics.TermKey(term.Field, term.Text), out var s)
                ? new TermStatistics(term.Bytes, s.DocFreq, s.TotalTermFreq)
                : base.TermStatistics(term, context);

        public override CollectionStatistics CollectionStatistics(string field) =>
            _statistics.Fields.TryGetValue(field, out var s)
                ? new CollectionStatistics(field, s.MaxDoc, s.DocCount, s.SumTotalTermFreq, s.SumDocFreq)
                : base.CollectionStatistics(field);
    }
}
