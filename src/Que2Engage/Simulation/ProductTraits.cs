namespace Que2Engage.Simulation;

/// <summary>
/// A product's hidden semantic attributes (indices into the <see cref="Taxonomy"/>; -1 brand = unbranded). Every
/// product has a colour, material and style even when its text omits them: the truth, not what the listing says.
/// </summary>
public readonly record struct ProductTraits(int Category, int Brand, int Colour, int Material, int Style);

/// <summary>
/// What a searcher wants: a category plus optionally some attributes (-1 = not specified). Relevance is a function
/// of the intent alone, never of how the query was written.
/// </summary>
public readonly record struct QueryIntent(int Category, int Brand, int Colour, int Material, int Style)
{
    public int SpecifiedAttributes => (Brand >= 0 ? 1 : 0) + (Colour >= 0 ? 1 : 0) + (Material >= 0 ? 1 : 0) + (Style >= 0 ? 1 : 0);

    /// <summary>True when the product carries at least one attribute value the intent names (the words they share).</summary>
    public bool SharesAttributeWith(in ProductTraits p) =>
        (Brand >= 0 && Brand == p.Brand) || (Colour >= 0 && Colour == p.Colour) ||
        (Material >= 0 && Material == p.Material) || (Style >= 0 && Style == p.Style);
}

/// <summary>True semantic relevance, the rule human raters follow (DESIGN §2: semantics only, never price or condition).</summary>
public static class RelevanceRule
{
    /// <summary>2 = category and every specified attribute match; 1 = category matches, some attribute does not; 0 = other category.</summary>
    public static int Rate(in QueryIntent q, in ProductTraits p)
    {
        if (q.Category != p.Category) return 0;
        bool all = (q.Brand < 0 || q.Brand == p.Brand) && (q.Colour < 0 || q.Colour == p.Colour) &&
                   (q.Material < 0 || q.Material == p.Material) && (q.Style < 0 || q.Style == p.Style);
        return all ? 2 : 1;
    }
}
