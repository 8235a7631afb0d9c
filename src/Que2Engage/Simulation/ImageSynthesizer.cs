namespace Que2Engage.Simulation;

/// <summary>
/// Stand-in for a vision model's photo embeddings: a noisy function of product type, colour and style plus a hidden
/// photo-quality latent q. Better photos (q &gt; 0) carry a stronger, cleaner semantic signal and lean along a shared
/// "quality" direction, so a model can read photo quality — one driver of attractiveness — from the images.
/// </summary>
public sealed class ImageSynthesizer
{
    private readonly int _dim;
    private readonly float[][] _category, _colour, _style;
    private readonly float[] _quality;

    public ImageSynthesizer(Taxonomy taxonomy, int dim, ulong seed)
    {
        _dim = dim;
        _category = Prototypes(taxonomy.Categories.Count, "image-category", seed);
        _colour = Prototypes(taxonomy.Colours.Count, "image-colour", seed);
        _style = Prototypes(taxonomy.Styles.Count, "image-style", seed);
        _quality = UnitVector(SimRandom.For(seed, "image-quality"));
    }

    private float[][] Prototypes(int n, string purpose, ulong seed) =>
        Enumerable.Range(0, n).Select(i => UnitVector(SimRandom.For(seed, purpose, i))).ToArray();

    private float[] UnitVector(SimRandom rng)
    {
        var v = new double[_dim];
        double norm = 0;
        for (int i = 0; i < _dim; i++) { v[i] = rng.NextGaussian(); norm += v[i] * v[i]; }
        norm = Math.Sqrt(norm);
        return v.Select(x => (float)(x / norm)).ToArray();
    }

    /// <summary><paramref name="count"/> photo embeddings of one listing (all share the product's look, each its own noise).</summary>
    public float[][] Embed(in ProductTraits t, double photoQuality, int count, SimRandom rng)
    {
        if (count == 0) return [];
        double signal = Math.Exp(0.25 * photoQuality);
        double noiseSd = 0.9 * Math.Exp(-0.35 * photoQuality) / Math.Sqrt(_dim); // per coordinate; ≈0.9 total norm at q=0
        double qualityLean = 0.5 * photoQuality;
        var cat = _category[t.Category];
        var colour = _colour[t.Colour];
        var style = _style[t.Style];
        var images = new float[count][];
        for (int k = 0; k < count; k++)
        {
            var v = new float[_dim];
            for (int i = 0; i < _dim; i++)
            {
                double x = signal * (cat[i] + 0.6 * colour[i] + 0.4 * style[i]) + qualityLean * _quality[i] + noiseSd * rng.NextGaussian();
                v[i] = (float)x;
            }
            images[k] = v;
        }
        return images;
    }
}
