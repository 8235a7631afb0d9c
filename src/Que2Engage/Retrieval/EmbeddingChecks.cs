using System.Numerics.Tensors;

namespace Que2Engage.Retrieval;

/// <summary>
/// Guards between a model and the index: right dimension, finite values, unit length. Vectors are re-normalised
/// (a no-op for a well-behaved model) so that inner product is cosine even if a model drifts from unit norm.
/// </summary>
public static class EmbeddingChecks
{
    /// <param name="fromUser">True when the caller supplied the vector (bad input, exit 2); false when a model made it (runtime failure).</param>
    /// <param name="extra">Trailing coordinates outside the unit-length embedding (the engagement prior), copied as they are.</param>
    public static float[] Normalised(float[] vector, int dimension, string what, bool fromUser = false, int extra = 0)
    {
        Exception Fail(string message) => fromUser ? new InvalidInputException($"{what}: {message}") : new Que2EngageException($"{what}: the model returned {message}");
        if (vector.Length != dimension)
            throw Fail($"a vector of dimension {vector.Length}, expected {dimension}.");
        int n = dimension - extra;
        float norm = TensorPrimitives.Norm(vector.AsSpan(0, n));
        if (!float.IsFinite(norm) || norm == 0 || !float.IsFinite(TensorPrimitives.Sum(vector.AsSpan(n))))
            throw Fail("a zero or non-finite vector.");
        var copy = (float[])vector.Clone();
        TensorPrimitives.Divide(vector.AsSpan(0, n), norm, copy.AsSpan(0, n));
        return copy;
    }
}
