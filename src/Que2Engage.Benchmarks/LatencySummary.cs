using Que2Engage.Serving;
namespace Que2Engage.Benchmarks;

/// <summary>Percentiles of a set of latencies in milliseconds (nearest-rank: p-th percentile = the ⌈p·n⌉-th smallest).</summary>
public sealed record LatencySummary(int Count, double MeanMs, double P50Ms, double P90Ms, double P99Ms, double MaxMs)
{
    public static LatencySummary From(IReadOnlyCollection<double> milliseconds)
    {
        if (milliseconds.Count == 0) throw new ArgumentException("no latencies to summarise", nameof(milliseconds));
        var sorted = milliseconds.Order().ToArray();
        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length - 1e-9) - 1, 0, sorted.Length - 1)];
        return new LatencySummary(sorted.Length, sorted.Average(), At(0.50), At(0.90), At(0.99), sorted[^1]);
    }

    public override string ToString() =>
        FormattableString.Invariant($"p50 {P50Ms:F3} ms  p90 {P90Ms:F3} ms  p99 {P99Ms:F3} ms  max {MaxMs:F3} ms  (mean {MeanMs:F3} ms, n = {Count:N0})");
}
