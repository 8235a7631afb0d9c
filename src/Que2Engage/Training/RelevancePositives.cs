namespace Que2Engage.Training;

/// <summary>
/// Which pairs of a multitask batch are positives of the relevance softmax L_rel: every shown pair (the paper) or
/// only the engaged ones (the recommended recipe; a shown-not-engaged pair is then left out of L_rel, neither a
/// positive nor a negative of its own query).
/// </summary>
public enum RelevancePositives { Shown, Engaged }
