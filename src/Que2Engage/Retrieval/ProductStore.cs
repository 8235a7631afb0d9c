using System.Text;
using System.Text.Json;

namespace Que2Engage.Retrieval;

/// <summary>
/// The catalog's display records, one JSON object per line in ordinal order (line i = vector id i). JSONL because
/// it is appendable, greppable and loads 100k rows in well under a second.
/// </summary>
public static class ProductStore
{
    public static void Write(string path, IEnumerable<CatalogEntry> entries, bool append = false)
    {
        using var stream = new FileStream(path, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        using var writer = new StreamWriter(stream, new UTF8Encoding(false));
        foreach (var e in entries) writer.WriteLine(JsonSerializer.Serialize(e));
        writer.Flush();
        stream.Flush(flushToDisk: true);
    }

    public static List<CatalogEntry> Read(string path)
    {
        if (!File.Exists(path)) throw new InvalidInputException($"{path}: the product store does not exist.");
        var result = new List<CatalogEntry>();
        long row = 0;
        foreach (var line in File.ReadLines(path))
        {
            row++;
            if (line.Length == 0) continue;
            try
            {
                result.Add(JsonSerializer.Deserialize<CatalogEntry>(line) ?? throw new JsonException("null record"));
            }
            catch (JsonException e)
            {
                throw new DataFormatException(path, row, null, $"not a product record: {e.Message}", e);
            }
        }
        return result;
    }
}
