namespace Que2Engage.Tests.Retrieval;

/// <summary>Deterministic test vectors: uniform-random directions and tight Gaussian clusters, all L2-normalised.</summary>
internal static class VectorData
{
    public static float[][] Random(int count, int dim, int seed)
    {
        var rng = new Random(seed);
        var result = new float[count][];
        for (int i = 0; i < count; i++) result[i] = Normalise(Gaussian(rng, dim, 1f));
        return result;
    }

    public static float[][] Clustered(int count, int dim, int clusters, float spread, int seed)
    {
        var rng = new Random(seed);
        var centres = Enumerable.Range(0, clusters).Select(_ => Normalise(Gaussian(rng, dim, 1f))).ToArray();
        var result = new float[count][];
        for (int i = 0; i < count; i++)
        {
            var c = centres[rng.Next(clusters)];
            var noise = Gaussian(rng, dim, spread);
            for (int d = 0; d < dim; d++) noise[d] += c[d];
            result[i] = Normalise(noise);
        }
        return result;
    }

    public static float[] Gaussian(Random rng, int dim, float sigma)
    {
        var v = new float[dim];
        for (int d = 0; d < dim; d++)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            v[d] = (float)(sigma * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return v;
    }

    public static float[] Normalise(float[] v)
    {
        double norm = Math.Sqrt(v.Sum(x => (double)x * x));
        for (int d = 0; d < v.Length; d++) v[d] = (float)(v[d] / norm);
        return v;
    }

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "q2e-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
