using System.Text;
using CsvHelper;

namespace Que2Engage.Data.Import;

/// <summary>
/// The records of a CSV/TSV text, read by CsvHelper's streaming reader (bounded memory, whatever the file size) in RFC
/// 4180 mode: quoted fields, doubled quotes and line breaks inside quotes; CRLF or LF line ends; empty lines skipped.
/// Of CsvHelper's recoveries from malformed quoting, only the common CSV tools' leniency is kept: a quote inside an
/// unquoted field is text. A quoted field with text after its closing quote, or never closed, is a problem of its
/// record rather than a silently repaired value.
/// </summary>
internal sealed class CsvRecords : IDisposable
{
    readonly CsvReader _csv;
    bool _malformed;

    public CsvRecords(TextReader text, char delimiter) =>
        _csv = CsvReader.Create(text, new CsvReaderOptions
        {
            Separator = delimiter,
            HasHeader = false,
            Mode = CsvMode.Rfc4180,
            AllowLineBreaksInQuotes = true,
            SkipEmptyLines = true,
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Recover,
            OnMalformedRecord = _ => _malformed = true, // called before Read returns the record
        });

    /// <summary>The physical line on which the last record returned by <see cref="Read"/> started.</summary>
    public long RecordLine => _csv.LineNumber;

    /// <summary>
    /// Reads the next record into <paramref name="fields"/>; false at end of input. A structural problem (text after a
    /// closing quote, a quote never closed) is returned in <paramref name="problem"/>.
    /// </summary>
    public bool Read(List<string> fields, out string? problem)
    {
        fields.Clear();
        problem = null;
        _malformed = false;
        if (!_csv.Read()) return false;
        for (int i = 0; i < _csv.FieldCount; i++)
        {
            if (_malformed && (problem = QuotedFieldProblem(_csv.GetRawSpan(i))) is not null) return true;
            fields.Add(_csv.GetString(i));
        }
        return true;
    }

    /// <summary>For a field as it is in the input: null unless it opens with a quote and is not closed exactly at its end.</summary>
    string? QuotedFieldProblem(ReadOnlySpan<byte> raw)
    {
        if (raw.IsEmpty || raw[0] != '"') return null;
        for (int i = 1; i < raw.Length; i++)
        {
            if (raw[i] != '"') continue;
            if (i + 1 == raw.Length) return null;
            if (raw[i + 1] == '"') { i++; continue; }
            Rune.DecodeFromUtf8(raw[(i + 1)..], out var next, out _);
            return $"unexpected character '{next}' after a closing quote (quote the whole field and double inner quotes)";
        }
        return $"quoted field opened on line {RecordLine} is never closed";
    }

    public void Dispose() => _csv.Dispose();
}
