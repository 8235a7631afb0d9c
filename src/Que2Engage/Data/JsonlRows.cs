using System.Text;
using System.Text.Json;

namespace Que2Engage.Data;

/// <summary>Reads a JSONL table line by line; the row number is the line number. Blank lines are ignored.</summary>
internal static class JsonlRows
{
    /// <returns>Number of non-blank lines seen.</returns>
    public static long Read(string path, ProblemSink sink, Action<long, IRawRow> onRow)
    {
        StreamReader reader;
        try
        {
            reader = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: true, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(path, null, null, $"cannot read file: {e.Message}", e);
        }
        using (reader)
        {
            long line = 0, rows = 0;
            string? text;
            while ((text = ReadLine(reader, path, line)) is not null)
            {
                line++;
                if (string.IsNullOrWhiteSpace(text)) continue;
                rows++;
                JsonDocument doc;
                try
                {
                    doc = JsonDocument.Parse(text);
                }
                catch (JsonException e)
                {
                    sink.RowProblem(line, "", $"not valid JSON ({FirstSentence(e.Message)})");
                    continue;
                }
                using (doc)
                {
                    if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    {
                        sink.RowProblem(line, "", $"expected a JSON object, found {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}");
                        continue;
                    }
                    onRow(line, new JsonRawRow(doc.RootElement));
                }
            }
            return rows;
        }
    }

    static string? ReadLine(StreamReader reader, string path, long linesSoFar)
    {
        try { return reader.ReadLine(); }
        catch (IOException e) { throw new DataFormatException(path, linesSoFar + 1, null, $"read failed: {e.Message}", e); }
    }

    static string FirstSentence(string message)
    {
        int i = message.IndexOf(". ", StringComparison.Ordinal);
        return i > 0 ? message[..i] : message.TrimEnd('.');
    }
}
