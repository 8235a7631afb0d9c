using System.Text.Json.Serialization;
using Que2Engage.Training.Cache;
using Que2Engage.Modeling;
using static TorchSharp.torch;

namespace Que2Engage.Training.Objectives;

/// <summary>
/// A training objective: the examples it trains on, how their batches are drawn and the loss of an encoded batch.
/// A new objective is one class in this folder plus one line in <see cref="TrainingObjectives.All"/>; its
/// <see cref="Name"/> is how the objective is chosen by name (the CLI's objective option) and what checkpoints and config.json record.
/// </summary>
[JsonConverter(typeof(TrainingObjectiveJsonConverter))]
public interface ITrainingObjective
{
    string Name { get; }

    /// <summary>Documents the towers encode per example (the memory bound, <see cref="TrainingMemory"/>).</summary>
    int DocumentsPerExample => 1;

    /// <summary>
    /// The objective's own knobs (its hyper-parameters): each gets its flag, resume check and config.json entry from its
    /// declaration (<see cref="Knob"/>, joined to <see cref="TrainingKnobs.All"/>).
    /// </summary>
    IReadOnlyList<Knob> Knobs => [];

    /// <summary>The seeded stream of this objective's batches over a training set (which rows, how they are mixed).</summary>
    IBatchSampler Sampler(TrainingSet data, TrainingOptions options);

    /// <summary>The loss of one encoded batch (called inside the step's dispose scope, after the shared encoding).</summary>
    ObjectiveLoss Loss(ObjectiveBatch batch);
}

/// <summary>A batch's loss; <paramref name="Relevance"/> and <paramref name="Engagement"/> (when the objective has those parts) go to metrics.jsonl.</summary>
public sealed record ObjectiveLoss(Tensor Total, Tensor? Relevance = null, Tensor? Engagement = null);

/// <summary>
/// A batch as the trainer encoded it for every objective: the query and document embeddings (B×D), the documents'
/// engagement prior (when the model has one), and <paramref name="Exclude"/> (B×B, true = the off-diagonal pair is
/// the same query text or the same product, so no real negative). <paramref name="Document"/> gives a product's model
/// inputs by ordinal, for objectives that encode more documents.
/// </summary>
public sealed record ObjectiveBatch(IReadOnlyList<TrainingExample> Examples, TwoTowerModel Model, TrainingOptions Options,
    Tensor Queries, Tensor Documents, Tensor? Prior, Tensor Exclude, Func<int, ProductFeatures> Document)
{
    /// <summary>s: the logit scale of every objective.</summary>
    public double Scale => Model.Config.Scale;

    /// <summary>rows.Count × cols.Count bool: rows[i] == cols[j] (ordinals: the same query text, the same product).</summary>
    public static Tensor CollisionMask(IReadOnlyList<int> rows, IReadOnlyList<int> cols) =>
        tensor(rows.ToArray()).unsqueeze(1).eq(tensor(cols.ToArray()).unsqueeze(0));
}
