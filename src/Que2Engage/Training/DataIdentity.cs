using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using Que2Engage.Data;

namespace Que2Engage.Training;

/// <summary>
/// What a checkpoint was trained on: row counts of the catalogue and of the training impressions, and an XXH3-128 of
/// their contents. Hashed from the rows as read rather than from the files, so the same data as Parquet or JSONL (or
/// a re-written file) is the same data set, and a library caller passing lists has one too. Checked on resume: the
/// data position a checkpoint records indexes into its own example list, so another data set would silently continue
/// as a different run (issue 24 item 4). Cost: one pass over the rows already in memory; measured 0.23–1.9 s (four
/// runs, the first JIT-cold) for a 20k-product world with 205,600 training impressions, against minutes of training.
/// </summary>
public sealed record DataIdentity
{
    public int Products { get; init; }
    public int TrainImpressions { get; init; }
    /// <summary>"xxh128:…" of the products' fields, in order.</summary>
    public string ProductsHash { get; init; } = "";
    /// <summary>"xxh128:…" of the training impressions' fields, in order.</summary>
    public string ImpressionsHash { get; init; } = "";

    public static DataIdentity Of(IReadOnlyList<Product> products, IReadOnlyList<Impression> trainImpressions)
    {
        var h = new Hasher();
        foreach (var p in products) h.Add(p);
        foreach (var i in trainImpressions) h.Add(i);
        return h.Result();
    }

    /// <summary>
    /// The identity of rows seen one at a time (a streamed data set: <see cref="Cache.TrainingCacheBuilder"/>): every
    /// product first, then every training impression; the same rows give the same identity as <see cref="Of"/>.
    /// </summary>
    public sealed class Hasher
    {
        private readonly XxHash128 _products = new(), _impressions = new();
        private int _productCount, _impressionCount;

        public void Add(Product p)
        {
            var h = _products;
            AddText(h, p.ProductId); AddText(h, p.Title); AddText(h, p.Description); AddText(h, p.Category ?? "\0"); AddText(h, p.Language);
            AddText(h, string.Create(CultureInfo.InvariantCulture,
                $"{p.Price:R}|{p.ConditionName}|{p.SellerRating:R}|{p.SellerRatingCount}|{p.PhotoCount}|{p.ListingAgeDays:R}|{p.DistanceKm:R}|{p.ImageEmbeddings.Length}"));
            foreach (var image in p.ImageEmbeddings) h.Append(MemoryMarshal.AsBytes(image.AsSpan()));
            _productCount++;
        }

        public void Add(Impression i)
        {
            var h = _impressions;
            // The same bytes as AddText of each field and of "position|engaged", encoded into one stack buffer and
            // appended once, with no string per row: this runs for every row of a log of tens of millions.
            string query = i.Query ?? "\0";
            int max = Encoding.UTF8.GetMaxByteCount(i.SessionId.Length + query.Length + i.ProductId.Length) + 3 + 11 + 3 + 1;
            Span<byte> buffer = max <= 1024 ? stackalloc byte[max] : new byte[max];
            int n = Field(i.SessionId, buffer);
            n += Field(query, buffer[n..]);
            n += Field(i.ProductId, buffer[n..]);
            i.Position.TryFormat(buffer[n..], out int written, default, CultureInfo.InvariantCulture);
            n += written;
            buffer[n++] = (byte)'|';
            buffer[n++] = i.Engaged ? (byte)'1' : (byte)'0';
            buffer[n++] = 0xFF;
            h.Append(buffer[..n]);
            _impressionCount++;
        }

        public DataIdentity Result() => new()
        {
            Products = _productCount, TrainImpressions = _impressionCount,
            ProductsHash = Text(_products), ImpressionsHash = Text(_impressions),
        };
    }

    /// <summary>
    /// Fails, naming what differs, unless <paramref name="now"/> is the data set of the checkpoint
    /// <paramref name="state"/>. A checkpoint written before data sets were recorded has none and resumes unchecked.
    /// </summary>
    public static void Check(CheckpointState state, DataIdentity now, string modelDir)
    {
        if (state.Data is not { } then) return;
        var differ = new List<string>();
        if (then.Products != now.Products) differ.Add($"{now.Products} products (checkpoint: {then.Products})");
        else if (then.ProductsHash != now.ProductsHash) differ.Add($"the {now.Products} products' contents differ");
        if (then.TrainImpressions != now.TrainImpressions) differ.Add($"{now.TrainImpressions} training impressions (checkpoint: {then.TrainImpressions})");
        else if (then.ImpressionsHash != now.ImpressionsHash) differ.Add($"the {now.TrainImpressions} training impressions' contents differ");
        if (differ.Count > 0)
            throw InvalidInputException.Setting(
                $"{CheckpointStore.DirectoryFor(modelDir)}: cannot resume the checkpoint at step {state.Step} on another data set: " +
                $"{string.Join(", ", differ)}; TrainingOptions.Resume needs the data set the checkpoint was trained on, or start again with overwrite",
                "TrainingOptions.Resume");
    }

    /// <summary>Writes <paramref name="s"/> as UTF-8 and a 0xFF separator into <paramref name="to"/>; returns the bytes written.</summary>
    private static int Field(string s, Span<byte> to)
    {
        int n = Encoding.UTF8.GetBytes(s, to);
        to[n] = 0xFF;   // a separator no UTF-8 text contains, so ("ab","c") and ("a","bc") differ
        return n + 1;
    }

    private static void AddText(XxHash128 h, string s)
    {
        // Encoded into a stack buffer: this runs for every row of a log of tens of millions (TrainingCacheBuilder).
        int max = Encoding.UTF8.GetMaxByteCount(s.Length) + 1;
        Span<byte> buffer = max <= 1024 ? stackalloc byte[max] : new byte[max];
        h.Append(buffer[..Field(s, buffer)]);
    }

    private static string Text(XxHash128 h) => Common.FileChecksum.Prefix + Convert.ToHexStringLower(h.GetCurrentHash());
}
