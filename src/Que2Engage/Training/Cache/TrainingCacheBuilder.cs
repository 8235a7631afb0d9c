using Que2Engage.Data;
using Que2Engage.Modeling;

namespace Que2Engage.Training.Cache;

/// <summary>
/// Writes a training cache in one pass over the catalogue and one over the training impressions, featurising each
/// product and each distinct query once. Memory is bounded by the catalogue (its id map, one price and category per
/// listing) and by the distinct queries, never by the number of impressions: every impression goes straight to the
/// fixed-width row section.
/// </summary>
public sealed class TrainingCacheBuilder : IDisposable
{
    /// <summary>What happened to an impression given to <see cref="Add(Impression)"/>.</summary>
    public enum Outcome { Added, NoQuery, UnknownProduct, RejectedProduct }

    /// <summary>A product whose images have another dimension than the catalogue's (the most common one).</summary>
    public readonly record struct OddImageDimension(string ProductId, long Row, int Dimension, int CatalogueDimension);

    private readonly string _dir;
    private readonly Featurizer _featurizer;
    private readonly List<ISectionWriter> _writers = [];
    private readonly SectionWriter<int> _productTokens, _productTrigrams, _productCategory, _queryTokens, _queryTrigrams;
    private readonly SectionWriter<long> _productTokenOffsets, _productTrigramOffsets, _productImageOffsets, _queryTokenOffsets, _queryTrigramOffsets;
    private readonly SectionWriter<float> _productImages;
    private readonly SectionWriter<ContextInputs> _productContext;
    private readonly SectionWriter<ImpressionRow> _rows;
    private readonly SectionWriter<int> _engagedRows, _otherRows, _negatives;
    private readonly SectionWriter<long> _negativeOffsets;

    private readonly IdOrdinals _productOrdinal = new();
    private readonly HashSet<string> _rejected = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _categoryOrdinal = new(StringComparer.Ordinal);
    private readonly List<string> _categories = [];
    private readonly List<double> _prices = [];
    private readonly List<int> _categoryOf = [];
    private readonly Dictionary<int, List<(int Ordinal, long Row, string Id)>> _byImageDim = [];
    private readonly List<int> _imageDimOrder = [];
    private readonly IdOrdinals _queryOrdinal = new();
    private readonly DataIdentity.Hasher _identity = new();
    private bool[]? _valid;
    private int _imageDim;
    private string? _lastSession;
    private int _sessions;
    private long _unusable, _engaged;

    public TrainingCacheBuilder(string dir, Featurizer featurizer)
    {
        _dir = dir;
        _featurizer = featurizer;
        SectionWriter<T> W<T>(string name) where T : unmanaged { var w = new SectionWriter<T>(dir, name); _writers.Add(w); return w; }
        _productTokens = W<int>(CacheSections.ProductTokens);
        _productTokenOffsets = W<long>(CacheSections.ProductTokenOffsets);
        _productTrigrams = W<int>(CacheSections.ProductTrigrams);
        _productTrigramOffsets = W<long>(CacheSections.ProductTrigramOffsets);
        _productImages = W<float>(CacheSections.ProductImages);
        _productImageOffsets = W<long>(CacheSections.ProductImageOffsets);
        _productContext = W<ContextInputs>(CacheSections.ProductContext);
        _productCategory = W<int>(CacheSections.ProductCategory);
        _queryTokens = W<int>(CacheSections.QueryTokens);
        _queryTokenOffsets = W<long>(CacheSections.QueryTokenOffsets);
        _queryTrigrams = W<int>(CacheSections.QueryTrigrams);
        _queryTrigramOffsets = W<long>(CacheSections.QueryTrigramOffsets);
        _rows = W<ImpressionRow>(CacheSections.Impressions);
        _engagedRows = W<int>(CacheSections.EngagedRows);
        _otherRows = W<int>(CacheSections.OtherRows);
        _negatives = W<int>(CacheSections.SessionNegatives);
        _negativeOffsets = W<long>(CacheSections.SessionNegativeOffsets);
        foreach (var offsets in new[] { _productTokenOffsets, _productTrigramOffsets, _productImageOffsets, _queryTokenOffsets, _queryTrigramOffsets, _negativeOffsets })
            offsets.Write(0L);
    }

    public int Products => _prices.Count;

    /// <summary>Stores one catalogue row (<paramref name="row"/>: its 1-based row number, for messages).</summary>
    public void Add(Product p, long row)
    {
        if (_valid is not null) throw new InvalidOperationException("products are finished");
        _identity.Add(p);
        int ordinal = _prices.Count;
        _productOrdinal.TryAdd(p.ProductId, ordinal);   // a repeated id keeps its first row, as a dictionary by id would
        _productTokens.Write(_featurizer.DocumentTokens(p));
        _productTokenOffsets.Write(_productTokens.Count);
        _productTrigrams.Write(_featurizer.TitleTrigrams(p));
        _productTrigramOffsets.Write(_productTrigrams.Count);
        int dim = 0;
        foreach (var v in p.ImageEmbeddings)
        {
            if (v is null || v.Length == 0) continue;
            if (dim == 0) dim = v.Length;
            else if (v.Length != dim)
                throw new InvalidInputException($"product '{p.ProductId}': image_embeddings holds vectors of dims {dim} and {v.Length}");
            _productImages.Write(Featurizer.CleanImage(v));
        }
        _productImageOffsets.Write(_productImages.Count);
        if (dim > 0)
        {
            if (!_byImageDim.TryGetValue(dim, out var list)) { _byImageDim[dim] = list = []; _imageDimOrder.Add(dim); }
            list.Add((ordinal, row, p.ProductId));
        }
        _productContext.Write(ContextInputs.Of(p));
        int category = -1;
        if (!string.IsNullOrEmpty(p.Category) && !_categoryOrdinal.TryGetValue(p.Category, out category))
        {
            category = _categories.Count;
            _categoryOrdinal[p.Category] = category;
            _categories.Add(p.Category);
        }
        _productCategory.Write(category);
        _categoryOf.Add(category);
        _prices.Add(p.Price);
    }

    /// <summary>Records the id of a catalogue row that failed its checks (impressions naming it are <see cref="Outcome.RejectedProduct"/>).</summary>
    public void Reject(string productId) => _rejected.Add(productId);

    /// <summary>
    /// Ends the catalogue: the most common image dimension becomes the catalogue's (ties: the first seen, as
    /// <see cref="ImageDimensions.Majority"/>), and every product with another is reported to
    /// <paramref name="onOddImageDimension"/> and rejected (impressions naming it are then
    /// <see cref="Outcome.RejectedProduct"/>).
    /// </summary>
    public void FinishProducts(Action<OddImageDimension> onOddImageDimension)
    {
        if (_valid is not null) return;
        _valid = Enumerable.Repeat(true, _prices.Count).ToArray();
        if (_imageDimOrder.Count == 0) return;
        int best = _imageDimOrder[0];
        foreach (var d in _imageDimOrder) if (_byImageDim[d].Count > _byImageDim[best].Count) best = d;
        _imageDim = best;
        var odd = _imageDimOrder.Where(d => d != best).SelectMany(d => _byImageDim[d].Select(x => (x, d))).OrderBy(t => t.x.Ordinal);
        foreach (var (x, d) in odd)
        {
            onOddImageDimension(new OddImageDimension(x.Id, x.Row, d, best));
            _valid[x.Ordinal] = false;
            _productOrdinal.Remove(x.Id, x.Ordinal);
            _rejected.Add(x.Id);
        }
        _byImageDim.Clear();
    }

    /// <summary>Stores one training impression if it is usable; the data set's identity counts every one given.</summary>
    public Outcome Add(Impression i)
    {
        if (_valid is null) throw new InvalidOperationException("FinishProducts must be called before impressions are added");
        _identity.Add(i);
        if (i.Query is null) { _unusable++; return Outcome.NoQuery; }
        if (!_productOrdinal.TryGetValue(i.ProductId, out int product))
        {
            _unusable++;
            return _rejected.Contains(i.ProductId) ? Outcome.RejectedProduct : Outcome.UnknownProduct;
        }
        if (!_queryOrdinal.TryGetValue(i.Query, out int query))
        {
            query = _queryOrdinal.Count;
            _queryOrdinal.TryAdd(i.Query, query);
            var f = _featurizer.Query(i.Query);
            _queryTokens.Write(f.Tokens);
            _queryTokenOffsets.Write(_queryTokens.Count);
            _queryTrigrams.Write(f.Trigrams);
            _queryTrigramOffsets.Write(_queryTrigrams.Count);
        }
        // Sessions are runs of consecutive rows with one id (logs are written session by session); the mixed
        // objective draws an engaged row's hard negative from its run's shown-not-engaged products.
        if (!string.Equals(i.SessionId, _lastSession, StringComparison.Ordinal))
        {
            if (_lastSession is not null) _negativeOffsets.Write(_negatives.Count);
            _lastSession = i.SessionId;
            _sessions++;
        }
        long index = _rows.Count;
        if (index >= int.MaxValue) throw new InvalidInputException($"more than {int.MaxValue:N0} training impressions: split the log and train on parts");
        _rows.Write(new ImpressionRow(query, product, i.Engaged, _sessions - 1));
        if (i.Engaged) { _engagedRows.Write((int)index); _engaged++; }
        else { _otherRows.Write((int)index); _negatives.Write(product); }
        return Outcome.Added;
    }

    /// <summary>Closes every section and writes cache.json (last: a directory without it was never finished).</summary>
    public TrainingCacheHeader Finish(string featurization, IReadOnlyList<CacheSource> sources, bool lenient, SortedDictionary<string, long> skippedRows)
    {
        FinishProducts(_ => throw new InvalidOperationException("unreachable"));
        if (_lastSession is not null) _negativeOffsets.Write(_negatives.Count);
        var sections = _writers.Select(w => w.Close()).ToList();
        var valid = _valid!;
        var stats = ContextStatistics.FromPrices(Enumerable.Range(0, _prices.Count).Where(o => valid[o])
            .Select(o => (_categoryOf[o] < 0 ? null : _categories[_categoryOf[o]], _prices[o])));
        var header = new TrainingCacheHeader
        {
            Featurization = featurization,
            Sources = [.. sources],
            Lenient = lenient,
            SkippedRows = skippedRows,
            Products = _prices.Count,
            ValidProducts = valid.Count(v => v),
            ImageDim = _imageDim,
            Queries = _queryOrdinal.Count,
            Impressions = _rows.Count,
            Engaged = _engaged,
            Sessions = _sessions,
            UnusableImpressions = _unusable,
            Categories = [.. _categories],
            ContextStatistics = stats,
            Data = _identity.Result(),
            Sections = sections,
        };
        Common.AtomicFile.WriteAllText(Path.Combine(_dir, TrainingCacheHeader.FileName),
            System.Text.Json.JsonSerializer.Serialize(header, ModelStore.Json));
        return header;
    }

    public void Dispose()
    {
        foreach (var w in _writers) w.Dispose();
    }
}

/// <summary>The section files of a training cache (raw little-endian arrays; offsets sections hold N+1 values).</summary>
public static class CacheSections
{
    public const string ProductTokens = "product_tokens.i32";
    public const string ProductTokenOffsets = "product_token_offsets.i64";
    public const string ProductTrigrams = "product_trigrams.i32";
    public const string ProductTrigramOffsets = "product_trigram_offsets.i64";
    /// <summary>Every non-empty image vector of every product, cleaned (non-finite → 0), back to back.</summary>
    public const string ProductImages = "product_images.f32";
    /// <summary>Offsets in floats into <see cref="ProductImages"/>.</summary>
    public const string ProductImageOffsets = "product_image_offsets.i64";
    /// <summary><see cref="ContextInputs"/> per product.</summary>
    public const string ProductContext = "product_context.bin";
    /// <summary>The ordinal of each product's category in cache.json's categories, −1 for none.</summary>
    public const string ProductCategory = "product_category.i32";
    public const string QueryTokens = "query_tokens.i32";
    public const string QueryTokenOffsets = "query_token_offsets.i64";
    public const string QueryTrigrams = "query_trigrams.i32";
    public const string QueryTrigramOffsets = "query_trigram_offsets.i64";
    /// <summary><see cref="ImpressionRow"/> per usable training impression, in log order.</summary>
    public const string Impressions = "impressions.bin";
    public const string EngagedRows = "engaged_rows.i32";
    public const string OtherRows = "other_rows.i32";
    /// <summary>The shown-not-engaged product ordinals of every session, session by session.</summary>
    public const string SessionNegatives = "session_negatives.i32";
    public const string SessionNegativeOffsets = "session_negative_offsets.i64";
}
