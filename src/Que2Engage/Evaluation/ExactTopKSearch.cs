using System.Numerics.Tensors;

namespace Que2Engage.Evaluation;

/// <summary>
/// Brute-force exact top-k over the catalogue: one SIMD dot product per row (TensorPrimitives.Dot) and a bounded
/// min-heap of size k. Ties are broken by lower catalogue index so results are deterministic.
/// <see cref="SearchBatch"/> scores a block of queries against each row while the row is in cache, so the
/// catalogue is streamed from memory once per block instead of once per query.
/// </summary>
public sealed class ExactTopKSearch : INearestNeighbourSearch
{
    private readonly float[][] _rows;

    public ExactTopKSearch(float[][] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Length > 0 && rows.Any(r => r.Length != rows[0].Length))
            throw new InvalidInputException("catalogue embeddings have differing dimensions");
        _rows = rows;
    }

    /// <summary>Queries scored together per catalogue row in <see cref="SearchBatch"/>.</summary>
    private const int QueryBlock = 8;

    public IReadOnlyList<ScoredIndex> Search(float[] query, int k) => SearchBatch([query], k)[0];

    public IReadOnlyList<ScoredIndex>[] SearchBatch(IReadOnlyList<float[]> queries, int k)
    {
        ArgumentNullException.ThrowIfNull(queries);
        if (k < 1) throw new InvalidInputException($"k must be ≥ 1 (was {k})");
        foreach (var query in queries)
        {
            ArgumentNullException.ThrowIfNull(query);
            if (_rows.Length > 0 && query.Length != _rows[0].Length)
                throw new InvalidInputException($"query dimension {query.Length} ≠ catalogue dimension {_rows[0].Length}");
        }
        var results = new IReadOnlyList<ScoredIndex>[queries.Count];
        for (int start = 0; start < queries.Count; start += QueryBlock)
        {
            int count = Math.Min(QueryBlock, queries.Count - start);
            // Min-heaps on (score, -index): the root is the worst kept hit.
            var heaps = new PriorityQueue<int, (float Score, int NegIndex)>[count];
            for (int q = 0; q < count; q++) heaps[q] = new(k + 1);
            for (int i = 0; i < _rows.Length; i++)
            {
                float[] row = _rows[i];
                for (int q = 0; q < count; q++)
                {
                    float score = TensorPrimitives.Dot(queries[start + q], row);
                    var heap = heaps[q];
                    if (heap.Count < k) heap.Enqueue(i, (score, -i));
                    else
                    {
                        heap.TryPeek(out _, out var worst);
                        if (score > worst.Score) heap.DequeueEnqueue(i, (score, -i));
                    }
                }
            }
            for (int q = 0; q < count; q++) results[start + q] = Drain(heaps[q]);
        }
        return results;
    }

    private static ScoredIndex[] Drain(PriorityQueue<int, (float Score, int NegIndex)> heap)
    {
        var hits = new ScoredIndex[heap.Count];
        for (int j = hits.Length - 1; j >= 0; j--)
        {
            heap.TryDequeue(out int index, out var priority);
            hits[j] = new ScoredIndex(index, priority.Score);
        }
        return hits;
    }
}
