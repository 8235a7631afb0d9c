using System.Globalization;
using Que2Engage.Common;

namespace Que2Engage.Data.Import;

/// <summary>
/// Deduplicates products by id while streaming: the first row of an id wins; a later row with the same id is a
/// duplicate, and a conflict when any product field differs. Keeps only id → 64-bit fingerprint in memory.
/// </summary>
internal sealed class ProductCatalog
{
    const int MaxExamples = 5;
    readonly Dictionary<string, ulong> _fingerprints = new(StringComparer.Ordinal);

    public long DuplicateRows { get; private set; }
    public long ConflictingRows { get; private set; }
    public List<string> ConflictExamples { get; } = [];
    public int Count => _fingerprints.Count;

    public bool Contains(string productId) => _fingerprints.ContainsKey(productId);

    /// <summary>True when this is the first row of the id (the caller writes it).</summary>
    public bool Add(Product p, string file, long row)
    {
        ulong fingerprint = Fingerprint(p);
        if (_fingerprints.TryAdd(p.ProductId, fingerprint)) return true;
        DuplicateRows++;
        if (_fingerprints[p.ProductId] != fingerprint)
        {
            ConflictingRows++;
            if (ConflictExamples.Count < MaxExamples)
                ConflictExamples.Add($"{file}:{row}: product_id '{p.ProductId}' differs from its first row (first kept)");
        }
        return false;
    }

    static ulong Fingerprint(Product p)
    {
        var c = CultureInfo.InvariantCulture;
        return StableHash.Fnv1a64(string.Join('\u001F',
            p.Title, p.Description, p.Category ?? "\u0000", p.Language, p.Price.ToString("R", c), p.Condition.ToWire(),
            p.SellerRating?.ToString("R", c) ?? "", p.SellerRatingCount.ToString(c), p.PhotoCount.ToString(c),
            p.ListingAgeDays.ToString("R", c), p.DistanceKm?.ToString("R", c) ?? ""));
    }
}
