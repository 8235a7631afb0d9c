namespace Que2Engage.Data;

/// <summary>
/// One row of a table before typing, whatever the file format. Each getter returns null when the field is absent
/// or null, and throws <see cref="RowProblemException"/> when the value has the wrong type; <paramref name="required"/>
/// turns absent/null into a problem too.
/// </summary>
internal interface IRawRow
{
    string? String(string field, bool required);
    double? Double(string field, bool required);
    long? Integer(string field, bool required);
    bool? Bool(string field, bool required);

    /// <summary>A list of float vectors; absent or null reads as no vectors.</summary>
    float[][] Vectors(string field);
}

internal static class RawRowExtensions
{
    public static int Int32(this IRawRow row, string field)
    {
        long v = row.Integer(field, required: true)!.Value;
        if (v is < int.MinValue or > int.MaxValue) throw new RowProblemException(field, $"{v} is out of the 32-bit integer range");
        return (int)v;
    }

    public static RowProblemException Missing(string field) => new(field, "required value is missing or null");
}
