namespace Que2Engage.Data.Import;

/// <summary>
/// Inputs of an Amazon Shopping Queries (ESCI) import: the examples file (query_id, query, product_id, product_locale,
/// esci_label, small_version, large_version, split) and the products file (product_id, product_title,
/// product_description, product_bullet_point, product_brand, product_color, product_locale), each CSV, JSONL or
/// Parquet (the dataset ships Parquet).
/// </summary>
public sealed record EsciImportOptions
{
    public required string ExamplesPath { get; init; }
    public required string ProductsPath { get; init; }

    /// <summary>Keep only this product_locale (us, es, jp); null keeps every locale.</summary>
    public string? Locale { get; init; }

    /// <summary>Keep only examples with small_version = 1 (the dataset's reduced, harder Task 1 set).</summary>
    public bool SmallVersionOnly { get; init; }
}
