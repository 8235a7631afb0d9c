namespace Que2Engage.Retrieval;

public enum FusionMethod
{
    /// <summary>Σ w / (k + rank): needs no score calibration between BM25 and cosine (Cormack et al. 2009).</summary>
    ReciprocalRank,
    /// <summary>Σ w · min-max-normalised score within each list: keeps score gaps, sensitive to outliers.</summary>
    WeightedScore,
}

/// <summary>How <see cref="HybridSearcher"/> merges the EBR and BM25 lists.</summary>
public sealed record FusionOptions
{
    public FusionMethod Method { get; init; } = FusionMethod.ReciprocalRank;
    /// <summary>RRF's rank constant (60 in the original paper).</summary>
    public int RrfK { get; init; } = 60;
    public double EbrWeight { get; init; } = 1.0;
    public double LexicalWeight { get; init; } = 1.0;
    /// <summary>Each retriever returns k × this many candidates before fusion, so a hit ranked low by one list can still make the top k.</summary>
    public int CandidateMultiplier { get; init; } = 2;

    public void Validate()
    {
        if (RrfK < 0) throw new InvalidInputException($"The RRF constant must be ≥ 0 (got {RrfK}).");
        if (EbrWeight < 0 || LexicalWeight < 0 || double.IsNaN(EbrWeight) || double.IsNaN(LexicalWeight))
            throw new InvalidInputException("Fusion weights must be ≥ 0.");
        if (CandidateMultiplier < 1) throw new InvalidInputException($"The candidate multiplier must be ≥ 1 (got {CandidateMultiplier}).");
    }
}
