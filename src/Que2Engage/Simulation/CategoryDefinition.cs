namespace Que2Engage.Simulation;

/// <summary>
/// A leaf category. Each leaf has exactly one product type (its nouns are that type's synonyms), so "type" and
/// "category" coincide in the hidden attributes.
/// </summary>
/// <param name="Name">Language-neutral name (world.json, products.category).</param>
/// <param name="Department">Parent node; sibling leaves share brands and are the production system's "near" categories.</param>
/// <param name="Nouns">Product-type nouns with synonyms per language.</param>
/// <param name="MedianPrice">Median of the category's log-normal price law.</param>
/// <param name="PriceSigma">σ of log(price).</param>
/// <param name="Brands">Indices into <see cref="Taxonomy.Brands"/>.</param>
/// <param name="Materials">Indices into <see cref="Taxonomy.Materials"/>.</param>
public sealed record CategoryDefinition(
    string Name, string Department, Lexeme Nouns, double MedianPrice, double PriceSigma, int[] Brands, int[] Materials);
