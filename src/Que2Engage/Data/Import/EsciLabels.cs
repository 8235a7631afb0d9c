namespace Que2Engage.Data.Import;

/// <summary>ESCI labels to the schema's grades: Exact 2; Substitute and Complement 1 (partially relevant); Irrelevant 0.</summary>
public static class EsciLabels
{
    public static int? Rating(string label) => label.Trim().ToUpperInvariant() switch
    {
        "E" or "EXACT" => 2,
        "S" or "SUBSTITUTE" or "C" or "COMPLEMENT" => 1,
        "I" or "IRRELEVANT" => 0,
        _ => null,
    };
}
