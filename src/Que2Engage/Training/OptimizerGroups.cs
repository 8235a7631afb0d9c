using Que2Engage.Modeling;
using Que2Engage.Modeling.Pretrained;
using TorchSharp.Modules;

namespace Que2Engage.Training;

/// <summary>
/// The Adam parameter groups of a model and each group's base learning rate (before warm-up):
/// <list type="bullet">
/// <item>without <see cref="ModelConfig.HeadLearningRate"/>: every tower parameter at <see cref="ModelConfig.LearningRate"/>,
/// then the engagement bias b;</item>
/// <item>with it (fine-tuning from a pretrained encoder): the pretrained encoder parameters
/// (<see cref="EncoderWeightLoader.PretrainedPrefixes"/>) at <see cref="ModelConfig.LearningRate"/>, then the new parts at
/// the head rate, then b.</item>
/// </list>
/// The engagement bias b gets a faster rate (<see cref="BiasLearningRateMultiplier"/> × the tower rate of the new
/// parts): σ(s·κ + b) with s = 20 puts the shown pairs' logits several units away from logit(engagement rate), and
/// Adam moves a parameter by at most ≈ lr per step, so at lr 1e-3 b could not get past −0.2 in a few-minute run
/// (measured with the multiplier: b = −4.2 after 150 steps). The groups depend on the configuration only, so a resumed
/// run rebuilds the same groups for the optimizer state it restores.
/// </summary>
public static class OptimizerGroups
{
    public const double BiasLearningRateMultiplier = 100;

    public sealed record Group(string Name, IReadOnlyList<string> ParameterNames, IReadOnlyList<Parameter> Parameters, double LearningRate);

    static Group Of(string name, IEnumerable<(string name, Parameter parameter)> ps, double rate)
    {
        var list = ps.ToList();
        return new Group(name, list.Select(p => p.name).ToList(), list.Select(p => p.parameter).ToList(), rate);
    }

    public static IReadOnlyList<Group> For(TwoTowerModel model)
    {
        var c = model.Config;
        var towers = model.named_parameters().Where(p => p.name != TwoTowerModel.EngagementBiasName).ToList();
        var groups = new List<Group>();
        double headRate = c.HeadLearningRate ?? c.LearningRate;
        if (c.HeadLearningRate is null)
            groups.Add(Of("towers", towers, c.LearningRate));
        else
        {
            var prefixes = EncoderWeightLoader.PretrainedPrefixes(c);
            bool Pretrained(string name) => prefixes.Any(x => name.StartsWith(x, StringComparison.Ordinal));
            groups.Add(Of("pretrained", towers.Where(p => Pretrained(p.name)), c.LearningRate));
            groups.Add(Of("new", towers.Where(p => !Pretrained(p.name)), headRate));
        }
        groups.Add(Of("engagement bias", [(TwoTowerModel.EngagementBiasName, model.EngagementBias)], headRate * BiasLearningRateMultiplier));
        return groups;
    }
}
