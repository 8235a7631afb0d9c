using System.IO.Hashing;
using System.Text.Json;
using Que2Engage.Common;
using Que2Engage.Modeling;

namespace Que2Engage.Training.Cache;

/// <summary>
/// An opened training cache: the featurised catalogue, queries and training impressions, read in place from
/// memory-mapped section files. Nothing here grows with the number of impressions; a batch reads only its rows.
/// Thread-safe for reading (the trainer's prefetch thread and the training thread read it together).
/// </summary>
public sealed class TrainingSet : IDisposable
{
    private readonly List<IDisposable> _maps = [];

    public string Directory { get; }
    public TrainingCacheHeader Header { get; }
    /// <summary>When true, <see cref="Dispose"/> deletes <see cref="Directory"/> (a cache built from lists in a temp folder).</summary>
    internal bool DeleteOnDispose { get; set; }

    internal MappedArray<int> ProductTokens { get; }
    internal MappedArray<long> ProductTokenOffsets { get; }
    internal MappedArray<int> ProductTrigrams { get; }
    internal MappedArray<long> ProductTrigramOffsets { get; }
    internal MappedArray<float> ProductImages { get; }
    internal MappedArray<long> ProductImageOffsets { get; }
    internal MappedArray<ContextInputs> ProductContext { get; }
    internal MappedArray<int> ProductCategory { get; }
    internal MappedArray<int> QueryTokens { get; }
    internal MappedArray<long> QueryTokenOffsets { get; }
    internal MappedArray<int> QueryTrigrams { get; }
    internal MappedArray<long> QueryTrigramOffsets { get; }
    internal MappedArray<ImpressionRow> Impressions { get; }
    internal MappedArray<int> EngagedRows { get; }
    internal MappedArray<int> OtherRows { get; }
    internal MappedArray<int> SessionNegatives { get; }
    internal MappedArray<long> SessionNegativeOffsets { get; }

    private TrainingSet(string dir, TrainingCacheHeader header)
    {
        Directory = dir;
        Header = header;
        MappedArray<T> M<T>(string name) where T : unmanaged
        {
            var section = header.Sections.FirstOrDefault(s => s.Name == name)
                ?? throw new InvalidDataException($"{dir}: cache.json lists no section {name}");
            var map = new MappedArray<T>(Path.Combine(dir, name));
            _maps.Add(map);
            if (map.Length != section.Count)
                throw new InvalidDataException($"{map.Path}: {map.Length} values, cache.json says {section.Count}");
            return map;
        }
        ProductTokens = M<int>(CacheSections.ProductTokens);
        ProductTokenOffsets = M<long>(CacheSections.ProductTokenOffsets);
        ProductTrigrams = M<int>(CacheSections.ProductTrigrams);
        ProductTrigramOffsets = M<long>(CacheSections.ProductTrigramOffsets);
        ProductImages = M<float>(CacheSections.ProductImages);
        ProductImageOffsets = M<long>(CacheSections.ProductImageOffsets);
        ProductContext = M<ContextInputs>(CacheSections.ProductContext);
        ProductCategory = M<int>(CacheSections.ProductCategory);
        QueryTokens = M<int>(CacheSections.QueryTokens);
        QueryTokenOffsets = M<long>(CacheSections.QueryTokenOffsets);
        QueryTrigrams = M<int>(CacheSections.QueryTrigrams);
        QueryTrigramOffsets = M<long>(CacheSections.QueryTrigramOffsets);
        Impressions = M<ImpressionRow>(CacheSections.Impressions);
        EngagedRows = M<int>(CacheSections.EngagedRows);
        OtherRows = M<int>(CacheSections.OtherRows);
        SessionNegatives = M<int>(CacheSections.SessionNegatives);
        SessionNegativeOffsets = M<long>(CacheSections.SessionNegativeOffsets);
        if (ProductTokenOffsets.Length != header.Products + 1 || ProductContext.Length != header.Products
            || QueryTokenOffsets.Length != header.Queries + 1 || Impressions.Length != header.Impressions
            || EngagedRows.Length != header.Engaged || SessionNegativeOffsets.Length != header.Sessions + 1)
            throw new InvalidDataException($"{dir}: section lengths disagree with cache.json's counts");
    }

    /// <summary>
    /// Opens the cache in <paramref name="dir"/>. With <paramref name="verify"/>, every section's bytes are hashed
    /// and compared with cache.json first. Any inconsistency is an <see cref="InvalidDataException"/> naming the file
    /// (the caller rebuilds the cache; a damaged cache is never trained on).
    /// </summary>
    public static TrainingSet Open(string dir, bool verify = true) => Open(dir, ReadHeader(dir), verify);

    /// <summary>Opens the cache in <paramref name="dir"/> whose cache.json the caller already read (<see cref="ReadHeader"/>).</summary>
    public static TrainingSet Open(string dir, TrainingCacheHeader header, bool verify = true)
    {
        var set = new TrainingSet(dir, header);
        try
        {
            if (verify) set.Verify();
            return set;
        }
        catch
        {
            set.Dispose();
            throw;
        }
    }

    /// <summary>cache.json of <paramref name="dir"/>; <see cref="InvalidDataException"/> when it is missing, unreadable or of another format or version.</summary>
    public static TrainingCacheHeader ReadHeader(string dir)
    {
        string path = Path.Combine(dir, TrainingCacheHeader.FileName);
        if (!File.Exists(path)) throw new InvalidDataException($"{path}: not found (the cache was never finished)");
        TrainingCacheHeader? header;
        try { header = JsonSerializer.Deserialize<TrainingCacheHeader>(File.ReadAllText(path), ModelStore.Json); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: unreadable ({e.Message})"); }
        if (header is null || header.Format != TrainingCacheHeader.FormatName)
            throw new InvalidDataException($"{path}: not a training cache");
        if (header.Version != TrainingCacheHeader.CurrentVersion)
            throw new InvalidDataException($"{path}: format version {header.Version}, this build reads {TrainingCacheHeader.CurrentVersion}");
        return header;
    }

    private void Verify()
    {
        foreach (var section in Header.Sections)
        {
            var h = new XxHash128();
            using (var stream = new FileStream(Path.Combine(Directory, section.Name), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
            {
                var buffer = new byte[1 << 20];
                int n;
                while ((n = stream.Read(buffer)) > 0) h.Append(buffer.AsSpan(0, n));
            }
            string actual = Common.FileChecksum.Prefix + Convert.ToHexStringLower(h.GetCurrentHash());
            if (actual != section.Checksum)
                throw new InvalidDataException($"{Path.Combine(Directory, section.Name)}: damaged (checksum {Common.FileChecksum.Short(actual)}, cache.json says {Common.FileChecksum.Short(section.Checksum)})");
        }
    }

    public int ImageDim => Header.ImageDim;
    public ContextStatistics ContextStatistics => Header.ContextStatistics;
    public DataIdentity Data => Header.Data;

    /// <summary>The model inputs of query <paramref name="query"/> (an ordinal of <see cref="ImpressionRow.Query"/>).</summary>
    public QueryFeatures Query(int query) => new(
        Range(QueryTokens, QueryTokenOffsets, query), Range(QueryTrigrams, QueryTrigramOffsets, query));

    /// <summary>Reads products' model inputs for one model (its image settings) and context statistics.</summary>
    public ProductFeatureReader Products(ModelConfig config, ContextStatistics stats) => new(this, config, stats);

    /// <summary>Every usable training impression, in log order.</summary>
    public IExampleSource AllImpressions => new RowSource(this, null, -1);
    /// <summary>The engaged impressions, in log order.</summary>
    public IExampleSource EngagedImpressions => new RowSource(this, EngagedRows, -1);
    /// <summary>The shown-not-engaged impressions, in log order.</summary>
    public IExampleSource OtherImpressions => new RowSource(this, OtherRows, -1);

    /// <summary>
    /// The engaged impressions, each with one shown-not-engaged product of its session as
    /// <see cref="TrainingExample.Negative"/>: drawn uniformly by a pure function of (<paramref name="seed"/>, the
    /// example's index), so it needs no state and is the same wherever a run resumes.
    /// </summary>
    public IExampleSource EngagedWithSessionNegatives(long seed) => new RowSource(this, EngagedRows, seed);

    private sealed class RowSource(TrainingSet set, MappedArray<int>? rows, long negativeSeed) : IExampleSource
    {
        public long Count => rows?.Length ?? set.Impressions.Length;

        public TrainingExample this[long index]
        {
            get
            {
                var row = set.Impressions[rows is null ? index : rows[index]];
                int negative = -1;
                if (negativeSeed >= 0)
                {
                    long start = set.SessionNegativeOffsets[row.Session];
                    int count = (int)(set.SessionNegativeOffsets[row.Session + 1] - start);
                    if (count > 0) negative = set.SessionNegatives[start + SplitMix64.For(negativeSeed ^ 0x4E45_4741, index).NextInt(count)];
                }
                return new TrainingExample(row.Query, row.Product, row.Engaged, negative);
            }
        }
    }

    internal static int[] Range(MappedArray<int> values, MappedArray<long> offsets, int i)
    {
        long start = offsets[i];
        return values.Slice(start, checked((int)(offsets[i + 1] - start))).ToArray();
    }

    public void Dispose()
    {
        foreach (var m in _maps) m.Dispose();
        _maps.Clear();
        if (DeleteOnDispose) Common.StagingDirectory.TryDelete(Directory);
    }
}

/// <summary>
/// Products' model inputs as <see cref="Featurizer.Product"/> makes them (the same token ids, trigram ids, context
/// features and at most MaxImages image vectors), read from a <see cref="TrainingSet"/>.
/// </summary>
public sealed class ProductFeatureReader
{
    private readonly TrainingSet _set;
    private readonly ModelConfig _config;
    private readonly double[] _categoryMedian;
    private readonly double _globalMedian;

    internal ProductFeatureReader(TrainingSet set, ModelConfig config, ContextStatistics stats)
    {
        _set = set;
        _config = config;
        _categoryMedian = [.. set.Header.Categories.Select(stats.MedianPriceFor)];
        _globalMedian = stats.MedianPriceFor(null);
        if (config.ImageDim > 0 && set.ImageDim > 0 && config.ImageDim != set.ImageDim)
            throw new InvalidInputException($"the catalogue's images have dim {set.ImageDim}, the model expects {config.ImageDim}");
    }

    public ProductFeatures this[int product]
    {
        get
        {
            int category = _set.ProductCategory[product];
            var context = ContextFeatures.Compute(_set.ProductContext[product], category < 0 ? _globalMedian : _categoryMedian[category]);
            float[][] images = [];
            int dim = _config.ImageDim;
            if (dim > 0)
            {
                long start = _set.ProductImageOffsets[product];
                int count = (int)Math.Min(_config.MaxImages, (_set.ProductImageOffsets[product + 1] - start) / dim);
                images = new float[count][];
                for (int k = 0; k < count; k++) images[k] = _set.ProductImages.Slice(start + (long)k * dim, dim).ToArray();
            }
            return new ProductFeatures(
                TrainingSet.Range(_set.ProductTokens, _set.ProductTokenOffsets, product),
                TrainingSet.Range(_set.ProductTrigrams, _set.ProductTrigramOffsets, product),
                context, images);
        }
    }
}
