namespace Que2Engage.Training;

/// <summary>Training objective (DESIGN §5): Que2Search's contrastive, the mixed hard-negative batch, Que2Engage's multitask.</summary>
public enum Objective { Contrastive, Mixed, Multitask }
