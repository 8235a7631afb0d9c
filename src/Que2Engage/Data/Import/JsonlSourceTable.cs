using System.Text.Json;

namespace Que2Engage.Data.Import;

/// <summary>One JSON object per line (the line loop of <see cref="JsonlRows"/>), every value seen as text.</summary>
internal sealed class JsonlSourceTable(string path) : SourceTable(path)
{
    public override long Read(ProblemSink sink, Action<long, ISourceRow> onRow) =>
        JsonlRows.ReadObjects(Path, sink, (line, obj) => onRow(line, new Row(obj)));

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
