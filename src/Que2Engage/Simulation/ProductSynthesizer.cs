using Que2Engage.Data;

namespace Que2Engage.Simulation;

/// <summary>A generated listing with its hidden truth (raw, not yet standardised, attractiveness).</summary>
public readonly record struct SynthesizedProduct(Product Product, ProductTraits Traits, double RawAttractiveness);

/// <summary>
/// Draws one listing: hidden attributes, context (price, condition, seller, photos, age, distance), text, images and
/// the raw hidden attractiveness. Each product has its own random stream, so product i is the same listing whatever
/// the catalog size.
/// </summary>
public sealed class ProductSynthesizer
{
    private readonly WorldSettings _settings;
    private readonly Taxonomy _taxonomy;
    private readonly ListingComposer _composer;
    private readonly ImageSynthesizer _images;
    private readonly double[] _categoryWeights, _colourWeights, _languageWeights;
    private readonly int[] _languages;

    private static readonly double[] ConditionWeights = [0.12, 0.23, 0.35, 0.15, 0.15];
    private static readonly double[] ConditionScore = [1.0, 0.7, 0.1, -0.9, -0.5];
    private static readonly double[] ConditionPriceShift = [0.3, 0.1, 0.0, -0.3, -0.1];

    public ProductSynthesizer(WorldSettings settings, Taxonomy taxonomy)
    {
        _settings = settings;
        _taxonomy = taxonomy;
        _composer = new ListingComposer(taxonomy);
        _images = new ImageSynthesizer(taxonomy, settings.ImageDim, settings.Seed);
        var rng = SimRandom.For(settings.Seed, "catalog-mix");
        // Some categories and colours are more common than others, differently in each world.
        _categoryWeights = taxonomy.Categories.Select(_ => Math.Exp(0.5 * rng.NextGaussian())).ToArray();
        _colourWeights = taxonomy.Colours.Select(_ => Math.Exp(0.6 * rng.NextGaussian())).ToArray();
        _languages = settings.LanguageIndices();
        _languageWeights = _languages.Select(l => Languages.Weights[l]).ToArray();
    }

    public static string ProductId(int index) => $"p{index:D7}";

    public SynthesizedProduct Create(int index)
    {
        var rng = SimRandom.For(_settings.Seed, "product", index);
        int category = rng.PickWeighted(_categoryWeights);
        var cat = _taxonomy.Categories[category];
        var traits = new ProductTraits(
            category,
            rng.Chance(0.25) ? -1 : rng.Pick(cat.Brands),
            rng.PickWeighted(_colourWeights),
            rng.Pick(cat.Materials),
            rng.NextInt(_taxonomy.Styles.Count));
        int lang = _languages[rng.PickWeighted(_languageWeights)];

        var condition = (Condition)rng.PickWeighted(ConditionWeights);
        double priceZ = 0.8 * rng.NextGaussian() + ConditionPriceShift[(int)condition];
        double price = Math.Max(1, Math.Round(cat.MedianPrice * Math.Exp(cat.PriceSigma * priceZ)));

        double? sellerRating = null;
        int ratingCount = 0;
        if (!rng.Chance(0.2))
        {
            sellerRating = Math.Round(Math.Clamp(5 - Math.Abs(0.7 * rng.NextGaussian()), 1, 5), 1);
            ratingCount = 1 + (int)Math.Exp(2.5 + 1.2 * rng.NextGaussian());
        }

        double photoQuality = rng.NextGaussian();
        int photoCount = rng.Chance(_settings.NoImageShare) ? 0
            : Math.Clamp(1 + (int)(Math.Exp(0.3 * photoQuality) * rng.NextDouble() * 6), 1, 12);
        int embeddings = Math.Min(photoCount, 4);

        double listingAge = Math.Round(-20 * Math.Log(1 - rng.NextDouble()), 1);
        double? distance = rng.Chance(0.15) ? null : Math.Round(12 * Math.Exp(rng.NextGaussian()), 1);

        var (title, description) = _composer.Compose(traits, condition, lang, rng);
        var images = _images.Embed(traits, photoQuality, embeddings, rng);

        // Hidden attractiveness: the searcher's taste for a good deal, shown as context a model can see, plus taste
        // noise it cannot. Standardised over the catalog later (MarketplaceSimulation).
        double cheapness = -(Math.Log(price) - Math.Log(cat.MedianPrice)) / cat.PriceSigma;
        double sellerScore = sellerRating is double r ? Math.Clamp((r - 4.3) / 0.5, -3, 1.5) + 0.1 * Math.Log(1 + ratingCount) - 0.25 : -0.4;
        double photoScore = photoCount == 0 ? -1.2 : photoQuality + 0.1 * (Math.Min(photoCount, 6) - 3);
        double nearness = distance is double d ? Math.Clamp(-(Math.Log(1 + d) - Math.Log(13)), -2.5, 2.5) : -0.2;
        double freshness = Math.Max(-2, -(listingAge - 20) / 20);
        double raw = 0.9 * cheapness + 0.8 * ConditionScore[(int)condition] + 0.6 * sellerScore + 0.7 * photoScore
                     + 0.5 * nearness + 0.2 * freshness + 0.45 * rng.NextGaussian();

        var product = new Product
        {
            ProductId = ProductId(index),
            Title = title,
            Description = description,
            Category = cat.Name,
            Language = Languages.Codes[lang],
            Price = price,
            Condition = condition,
            SellerRating = sellerRating,
            SellerRatingCount = ratingCount,
            PhotoCount = photoCount,
            ListingAgeDays = listingAge,
            DistanceKm = distance,
            ImageEmbeddings = images,
        };
        return new SynthesizedProduct(product, traits, raw);
    }
}
