namespace Que2Engage.Data;

/// <summary>
/// Opens a streaming, atomic, validating writer for one table; the format follows the extension
/// (<c>.parquet</c> or <c>.jsonl</c>). See <see cref="ITableWriter{T}"/> for the publish-on-Dispose contract.
/// </summary>
public static class DataWriters
{
    public static ITableWriter<Product> Products(string path) => new TableWriter<Product>(path, RowRules.Check);

    public static ITableWriter<Impression> Impressions(string path) => new TableWriter<Impression>(path, RowRules.Check);

    public static ITableWriter<RelevanceJudgment> Relevance(string path) => new TableWriter<RelevanceJudgment>(path, RowRules.Check);

    internal static TableFormat FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".parquet" => TableFormat.Parquet,
        ".jsonl" => TableFormat.Jsonl,
        _ => throw new InvalidInputException($"{path}: unsupported table format '{Path.GetExtension(path)}' (use .parquet or .jsonl)"),
    };
}

internal enum TableFormat { Parquet, Jsonl }
