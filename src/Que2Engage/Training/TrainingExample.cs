namespace Que2Engage.Training;

/// <summary>
/// One row of a training batch, as ordinals of a <see cref="Cache.TrainingSet"/>: the query, the shown product, its
/// engagement label and (mixed objective) one shown-not-engaged product of the same session, −1 when it has none.
/// </summary>
public readonly record struct TrainingExample(int Query, int Product, bool Engaged, int Negative = -1);

/// <summary>A numbered collection of training examples a sampler streams over (a slice of a training set's rows).</summary>
public interface IExampleSource
{
    long Count { get; }
    TrainingExample this[long index] { get; }
}

/// <summary>Examples held in memory (tests, and small sources built on the fly).</summary>
public sealed class ExampleList(IReadOnlyList<TrainingExample> examples) : IExampleSource
{
    public long Count => examples.Count;
    public TrainingExample this[long index] => examples[checked((int)index)];
}
