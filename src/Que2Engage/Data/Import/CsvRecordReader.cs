using System.Text;

namespace Que2Engage.Data.Import;

/// <summary>
/// Streams RFC 4180 records (quoted fields, doubled quotes, line breaks inside quotes) from a text reader, one record
/// at a time, so a file of any size is read in bounded memory. Written by hand because the project has no CSV
/// package and the BCL has none; it is small and the malformed cases are the ones we must report precisely.
/// Leniencies shared with common CSV tools: CRLF or LF line ends, a quote inside an unquoted field is kept literally,
/// a blank line is skipped.
/// </summary>
internal sealed class CsvRecordReader(TextReader reader, char delimiter)
{
    readonly StringBuilder _field = new();
    long _line = 1;        // physical line the reader is on
    int _peeked = -2;      // -2: nothing peeked

    /// <summary>The physical line on which the last record returned by <see cref="Read"/> started.</summary>
    public long RecordLine { get; private set; }

    /// <summary>
    /// Reads the next record into <paramref name="fields"/>; false at end of input. A structural problem (text after a
    /// closing quote, a quote never closed) is returned in <paramref name="problem"/> with the record's fields so far;
    /// the reader resynchronises at the next line break.
    /// </summary>
    public bool Read(List<string> fields, out string? problem)
    {
        fields.Clear();
        problem = null;
        // Skip blank lines between records.
        while (Peek() is '\n' or '\r') ConsumeLineBreak();
        if (Peek() == -1) return false;
        RecordLine = _line;
        while (true)
        {
            _field.Clear();
            int c = Peek();
            if (c == '"')
            {
                Next();
                if (!ReadQuoted(out problem))
                {
                    fields.Add(_field.ToString());
                    SkipToLineEnd();
                    return true;
                }
                c = Peek();
                if (c != delimiter && c != '\n' && c != '\r' && c != -1)
                {
                    problem = $"unexpected character '{(char)c}' after a closing quote (quote the whole field and double inner quotes)";
                    fields.Add(_field.ToString());
                    SkipToLineEnd();
                    return true;
                }
            }
            else
            {
                while ((c = Peek()) != -1 && c != delimiter && c != '\n' && c != '\r')
                    _field.Append((char)Next());
            }
            fields.Add(_field.ToString());
            c = Peek();
            if (c == delimiter) { Next(); continue; }
            if (c is '\n' or '\r') ConsumeLineBreak();
            return true;
        }
    }

    /// <summary>After an opening quote: reads to the closing quote; false (with a problem) if input ends first.</summary>
    bool ReadQuoted(out string? problem)
    {
        problem = null;
        while (true)
        {
            int c = Next();
            if (c == -1)
            {
                problem = $"quoted field opened on line {RecordLine} is never closed";
                return false;
            }
            if (c == '"')
            {
                if (Peek() == '"') { Next(); _field.Append('"'); continue; }
                return true;
            }
            if (c == '\n') _line++;
            else if (c == '\r')
            {
                if (Peek() == '\n') { Next(); _field.Append('\r'); c = '\n'; }
                _line++;
            }
            _field.Append((char)c);
        }
    }

    void SkipToLineEnd()
    {
        int c;
        while ((c = Peek()) != -1 && c != '\n' && c != '\r') Next();
        if (c != -1) ConsumeLineBreak();
    }

    void ConsumeLineBreak()
    {
        if (Next() == '\r' && Peek() == '\n') Next();
        _line++;
    }

    int Peek()
    {
        if (_peeked == -2) _peeked = reader.Read();
        return _peeked;
    }

    int Next()
    {
        int c = Peek();
        _peeked = -2;
        return c;
    }
}
