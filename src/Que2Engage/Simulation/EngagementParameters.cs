namespace Que2Engage.Simulation;

/// <summary>
/// The searcher's engagement law: P(engage | q, p, pos) = σ(b + α·r(q,p) + β·A(p) − γ·ln(1 + pos)), pos 1-based.
/// Defaults make β·A(p) (A standardised to mean 0, sd 1) dominate α·r among shown products, which are mostly
/// relevant — so a relevance-only model ranks engagement barely better than chance, as in the paper.
/// </summary>
public sealed record EngagementParameters
{
    public double Bias { get; init; } = -2.3;
    public double Alpha { get; init; } = 0.5;
    public double Beta { get; init; } = 1.4;
    public double Gamma { get; init; } = 0.35;

    public double Probability(int relevance, float attractiveness, int position)
    {
        double logit = Bias + Alpha * relevance + Beta * attractiveness - Gamma * Math.Log(1 + position);
        return 1.0 / (1.0 + Math.Exp(-logit));
    }
}
