using System.Text.Json;

namespace Que2Engage.Data.Import;

/// <summary>One JSON object per line; the row number is the line number; blank lines are ignored.</summary>
internal sealed class JsonlSourceTable(string path) : SourceTable(path)
{
    public override long Read(ProblemSink sink, Action<long, ISourceRow> onRow)
    {
        ByteLines lines;
        try
        {
            lines = new ByteLines(new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(Path, null, null, $"cannot read file: {e.Message}", e);
        }
        using (lines)
        {
            long line = 0, rows = 0;
            while (lines.Next() is { } bytes)
            {
                line++;
                var text = line == 1 ? ByteLines.WithoutBom(bytes) : bytes;
                if (ByteLines.IsBlank(text.Span)) continue;
                rows++;
                JsonDocument doc;
                try { doc = JsonDocument.Parse(text); }
                catch (JsonException e)
                {
                    sink.RowProblem(line, "", $"not valid JSON ({e.Message.Split(". ")[0].TrimEnd('.')})");
                    continue;
                }
                using (doc)
                {
                    if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    {
                        sink.RowProblem(line, "", $"expected a JSON object, found {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}");
                        continue;
                    }
                    onRow(line, new Row(doc.RootElement));
                }
            }
            return rows;
        }
    }

    sealed class Row(JsonElement obj) : ISourceRow
    {
        static string Utf8(JsonElement v, string column)
        {
            try { return v.GetString()!; }
            catch (InvalidOperationException) { throw FieldParsers.Problem(column, "invalid UTF-8"); }
        }

        public string? Text(string column)
        {
            if (!obj.TryGetProperty(column, out var v)) return null;
            return v.ValueKind switch
            {
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                JsonValueKind.String => Utf8(v, column),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => v.GetRawText(), // numbers as written; arrays/objects as JSON (the field parser rejects them)
            };
        }
    }
}
