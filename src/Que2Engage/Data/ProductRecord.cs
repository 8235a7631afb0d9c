using System.Text.Json;

namespace Que2Engage.Data;

/// <summary>One product record given as a JSON object (an HTTP body), read with exactly the rules and messages of <c>validate</c>.</summary>
public static class ProductRecord
{
    /// <exception cref="DataFormatException">The record breaks a rule; <see cref="DataFormatException.Field"/> names the field.</exception>
    public static Product Parse(JsonElement record, string source)
    {
        if (record.ValueKind != JsonValueKind.Object)
            throw new DataFormatException(source, null, null, "must be a JSON object (a product record)");
        try
        {
            return RowMappers.Product(new JsonRawRow(record));
        }
        catch (RowProblemException e)
        {
            throw new DataFormatException(source, null, e.Field, e.Message);
        }
    }
}
