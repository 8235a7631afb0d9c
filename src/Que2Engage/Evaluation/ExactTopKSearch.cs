using System.Numerics.Tensors;

namespace Que2Engage.Evaluation;

/// <summary>
/// Brute-force exact top-k over the catalogue: one SIMD dot product per row (TensorPrimitives.Dot) and a bounded
/// min-heap of size k. Ties are broken by lower catalogue index so results are deterministic.
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

    public IReadOnlyList<ScoredIndex> Search(float[] query, int k)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (k < 1) throw new InvalidInputException($"k must be ≥ 1 (was {k})");
        if (_rows.Length > 0 && query.Length != _rows[0].Length)
            throw new InvalidInputException($"query dimension {query.Length} ≠ catalogue dimension {_rows[0].Length}");

        // Min-heap on (score, -index): the root is the worst kept hit.
        var heap = new PriorityQueue<int, (float Score, int NegIndex)>(k + 1);
        for (int i = 0; i < _rows.Length; i++)
        {
            float score = TensorPrimitives.Dot(query, _rows[i]);
            if (heap.Count < k) heap.Enqueue(i, (score, -i));
            else
            {
                heap.TryPeek(out _, out var worst);
                if (score > worst.Score) heap.DequeueEnqueue(i, (score, -i));
            }
        }
        var hits = new ScoredIndex[heap.Count];
        for (int j = hits.Length - 1; j >= 0; j--)
        {
            heap.TryDequeue(out int index, out var priority);
            hits[j] = new ScoredIndex(index, priority.Score);
        }
        return hits;
    }
}
