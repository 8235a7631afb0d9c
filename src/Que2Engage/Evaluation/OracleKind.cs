namespace Que2Engage.Evaluation;

/// <summary>The reference rows of a simulated world: its true relevance, or its true engagement probability, as the score.</summary>
public enum OracleKind { Relevance, Engagement }
