using System.Text.Encodings.Web;
using System.Text.Json;

namespace Que2Engage.Data;

/// <summary>One JSON object per line, snake_case keys, written as it goes (bounded memory).</summary>
internal sealed class JsonlTableWriter<T> : TableWriterBase<T>
{
    static readonly JsonWriterOptions Options = new()
    {
        Indented = false,
        // Keep non-ASCII text (titles in any language) readable instead of \uXXXX escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    readonly BufferedStream _buffer;
    readonly Utf8JsonWriter _json;
    readonly Action<Utf8JsonWriter, T> _writeRow;

    public JsonlTableWriter(string path, Func<T, RowProblem?> check, Action<Utf8JsonWriter, T> writeRow) : base(path, check)
    {
        _writeRow = writeRow;
        _buffer = new BufferedStream(Output.Stream, 1 << 16);
        _json = new Utf8JsonWriter(_buffer, Options);
    }

    protected override void Append(T row)
    {
        _writeRow(_json, row);
        _json.Flush();
        _json.Reset();
        _buffer.WriteByte((byte)'\n');
    }

    protected override void Finish()
    {
        _json.Flush();
        _buffer.Flush();
        _json.Dispose();
    }

    protected override void Release() => _json.Dispose();
}
