namespace Que2Engage.Data.Import;

/// <summary>
/// One (query, product) row of a source log after mapping. Session and position are null when the source has none
/// (they are then derived); engaged and rating are null when the source does not carry them.
/// </summary>
internal sealed record ImportedPair(string Query, string ProductId, string? SessionId, int? Position, bool? Engaged, int? Rating);
