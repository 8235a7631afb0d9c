namespace Que2Engage.Data;

/// <summary>
/// Lines as raw bytes ("\n"-terminated; a trailing "\r" is kept and ignored by the JSON parser). Hand-written because
/// StreamReader decodes as it reads and silently turns invalid UTF-8 into U+FFFD; the raw bytes let JSON parsing
/// report invalid UTF-8 as a problem of the field that holds it. A returned line is valid until the next call.
/// </summary>
internal sealed class ByteLines(Stream stream) : IDisposable
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

    static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    public static ReadOnlyMemory<byte> WithoutBom(ReadOnlyMemory<byte> line) =>
        line.Span.StartsWith(Utf8Bom) ? line[Utf8Bom.Length..] : line;

    public static bool IsBlank(ReadOnlySpan<byte> line)
    {
        foreach (byte b in line) if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r')) return false;
        return true;
    }

    public void Dispose() => stream.Dispose();
}
