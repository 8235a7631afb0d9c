namespace Que2Engage.Evaluation;

/// <summary>Shared argument checks for score/label metric inputs.</summary>
internal static class ScoreValidation
{
    public static void Check(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        if (scores.Count != labels.Count)
            throw new InvalidInputException($"scores ({scores.Count}) and labels ({labels.Count}) differ in length");
        for (int i = 0; i < scores.Count; i++)
            if (double.IsNaN(scores[i]))
                throw new Que2EngageException($"score #{i} is NaN: the model produced a non-finite embedding");
    }
}
