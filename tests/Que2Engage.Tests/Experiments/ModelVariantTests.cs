using Que2Engage.Modeling;
using Que2Engage.Experiments;
using Que2Engage.Training;
using Que2Engage.Training.Objectives;

namespace Que2Engage.Tests.Experiments;

public class ModelVariantTests
{
    [Fact]
    public void PaperTable1HasTheSevenRowsInOrderWithTheirConfigurations()
    {
        var rows = ModelVariant.PaperTable1;
        Assert.Equal(7, rows.Count);
        Assert.Equal(Que2Engage.Evaluation.PaperReference.AblationRows, rows.Select(r => r.Name).ToList());

        Assert.All(rows.Take(4), r => Assert.Equal(ModelKind.Que2Search, r.Options.Model));
        Assert.All(rows.Skip(4), r => Assert.Equal(ModelKind.Que2Engage, r.Options.Model));
        Assert.Equal(new[] { false, true, false, true }, rows.Take(4).Select(r => r.Options.ContextEncoder));
        Assert.Equal(new[] { TrainingObjectives.Contrastive, TrainingObjectives.Contrastive, TrainingObjectives.Mixed, TrainingObjectives.Mixed, TrainingObjectives.Mixed, TrainingObjectives.Multitask, TrainingObjectives.Multitask },
            rows.Select(r => r.Options.Objective));
        Assert.Equal(new[] { false, false, false, false, false, false, true }, rows.Select(r => r.Options.ModalityDropout));
        Assert.Equal(0.8, rows[^1].Options.Lambda1);
        Assert.Equal(0.2, rows[^1].Options.Lambda2);
    }

    [Fact]
    public void AblationRunsThePapersRowsThenTheRecommendedModel()
    {
        Assert.Equal(8, ModelVariant.AblationRows.Count);
        Assert.Equal(ModelVariant.PaperTable1, ModelVariant.AblationRows.Take(7));
        var rec = ModelVariant.AblationRows[^1];
        Assert.Same(ModelVariant.Que2EngageRecommended, rec);
        Assert.Equal(TrainingObjectives.Multitask, rec.Options.Objective);
        Assert.Equal(RelevancePositives.Engaged, rec.Options.RelevancePositives);
        Assert.True(rec.Options.EngagementPrior);
        Assert.Equal(rec, Que2Engage.Cli.Commands.AblationCommand.SelectRows([8]).Single());
    }

    [Fact]
    public void LambdaPointKeepsTheFullModelAndSetsBothWeights()
    {
        var v = ModelVariant.LambdaPoint(0.95);
        Assert.Equal(ModelKind.Que2Engage, v.Options.Model);
        Assert.True(v.Options.ModalityDropout);
        Assert.Equal(0.95, v.Options.Lambda1, 12);
        Assert.Equal(0.05, v.Options.Lambda2, 12);
        Assert.Equal("Que2Engage λ1=0.95", v.Name);
        Assert.Equal("que2engage-lambda1-0.95", v.Slug);
    }

    [Fact]
    public void SlugsAreDistinctAndFileSystemSafe()
    {
        var slugs = ModelVariant.PaperTable1.Select(r => r.Slug).ToList();
        Assert.Equal(slugs.Count, slugs.Distinct().Count());
        Assert.All(slugs, s => Assert.Matches("^[a-z0-9.-]+$", s));
    }
}
