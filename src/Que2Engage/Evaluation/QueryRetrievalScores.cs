namespace Que2Engage.Evaluation;

/// <summary>Retrieval metrics of one query; NaN entries are undefined for that query and skipped in the means.</summary>
internal sealed record QueryRetrievalScores(IReadOnlyDictionary<int, double> RecallAtK, double NdcgAt10, double ExpectedEngagementAt10);
