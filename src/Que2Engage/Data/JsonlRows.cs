using System.Text.Json;

namespace Que2Engage.Data;

/// <summary>Reads a JSONL table line by line; the row number is the line number. Blank lines are ignored.</summary>
internal static class JsonlRows
{
    /// <returns>Number of non-blank lines seen.</returns>
    public static long Read(string path, ProblemSink sink, Action<long, IRawRow> onRow)
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
                if (line == 1 && bytes.Span.StartsWith(Utf8Bom)) bytes = bytes[Utf8Bom.Length..];
                if (IsBlank(bytes.Span)) continue;
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
                    onRow(line, new JsonRawRow(doc.RootElement));
                }
            }
            return rows;
        }
    }

    static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    static bool IsBlank(ReadOnlySpan<byte> line)
    {
        foreach (byte b in line) if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r')) return false;
        return true;
    }

    static ReadOnlyMemory<byte>? ReadLine(ByteLines lines, string path, long linesSoFar)
    {
        try { return lines.Next(); }
        catch (IOException e) { throw new DataFormatException(path, linesSoFar + 1, null, $"read failed: {e.Message}", e); }
    }

    /// <summary>
    /// Lines as raw bytes ("\n"-terminated; a trailing "\r" is kept and ignored by the JSON parser). Hand-written because
    /// StreamReader decodes as it reads and silently turns invalid UTF-8 into U+FFFD; the raw bytes let JSON parsing
    /// report invalid UTF-8 as a problem of the field that holds it. A returned line is valid until the next call.
    /// </summary>
    sealed class ByteLines(Stream stream) : IDisposable
    {
        byte[] _buffer = new byte[1 << 16];
        int _start, _end;
        bool _eof;

        public ReadOnlyMemory<byte>? Next()
        {
            int scanned = _start;
            while (true)
            {
                int nl = Array.IndexOf(_buffer, (byte)'\n', scanned, _end - scanned);
                if (nl >= 0)
                {
                    var line = new ReadOnlyMemory<byte>(_buffer, _start, nl - _start);
                    _start = nl + 1;
                    return line;
                }
                if (_eof)
                {
                    if (_start == _end) return null;
                    var last = new ReadOnlyMemory<byte>(_buffer, _start, _end - _start);
                    _start = _end;
                    return last;
                }
                scanned = _end;
                Fill(ref scanned);
            }
        }

        void Fill(ref int scanned)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                scanned -= _start;
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
            int read = stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0) _eof = true;
            _end += read;
        }

        public void Dispose() => stream.Dispose();
    }

    static string FirstSentence(string message)
    {
        int i = message.IndexOf(". ", StringComparison.Ordinal);
        return i > 0 ? message[..i] : message.TrimEnd('.');
    }
}
