using System.Text.Json;

namespace Que2Engage.Data;

/// <summary>
/// Reads a JSONL file line by line, for our tables and for imported files alike; the row number is the line number.
/// Blank lines are ignored; a line that is not a JSON object goes to the sink.
/// </summary>
internal static class JsonlRows
{
    /// <returns>Number of non-blank lines seen.</returns>
    public static long Read(string path, ProblemSink sink, Action<long, IRawRow> onRow) =>
        ReadObjects(path, sink, (line, obj) => onRow(line, new JsonRawRow(obj)));

    /// <summary>Hands each line's JSON object to <paramref name="onObject"/> (valid only during the call).</summary>
    /// <returns>Number of non-blank lines seen.</returns>
    public static long ReadObjects(string path, ProblemSink sink, Action<long, JsonElement> onObject)
    {
        ByteLines lines;
        try
        {
            lines = new ByteLines(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(path, null, null, $"cannot read file: {e.Message}", e);
        }
        using (lines)
        {
            long line = 0, rows = 0;
            while (ReadLine(lines, path, line) is { } bytes)
            {
                line++;
                if (line == 1) bytes = ByteLines.WithoutBom(bytes);
                if (ByteLines.IsBlank(bytes.Span)) continue;
                rows++;
                JsonDocument doc;
                try
                {
                    doc = JsonDocument.Parse(bytes);
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
                    onObject(line, doc.RootElement);
                }
            }
            return rows;
        }
    }

    static ReadOnlyMemory<byte>? ReadLine(ByteLines lines, string path, long linesSoFar)
    {
        try { return lines.Next(); }
        catch (IOException e) { throw new DataFormatException(path, linesSoFar + 1, null, $"read failed: {e.Message}", e); }
    }

    static string FirstSentence(string message)
    {
        int i = message.IndexOf(". ", StringComparison.Ordinal);
        return i > 0 ? message[..i] : message.TrimEnd('.');
    }
}
