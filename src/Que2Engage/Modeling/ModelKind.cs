namespace Que2Engage.Modeling;

/// <summary>Which document tower a two-tower model uses (the query tower is the same for both).</summary>
public enum ModelKind { Que2Search, Que2Engage }
