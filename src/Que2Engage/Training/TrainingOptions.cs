using Que2Engage.Modeling;
using Que2Engage.Training.Objectives;

namespace Que2Engage.Training;

/// <summary>
/// What to train and how; each knob is declared (flag, default, range, resume key) in <see cref="TrainingKnobs"/>. Null knobs fall back to the preset (<see cref="ModelConfig.Preset"/>). Steps win over
/// Epochs; with neither, <see cref="Trainer.DefaultSteps"/> is used (sized to train the small preset in a few
/// minutes on 2 CPU cores).
/// </summary>
public sealed record TrainingOptions
{
    // What to train: the architecture and the loss (a ModelVariant fixes these).
    public ModelKind Model { get; init; } = TrainingKnobs.Model.Default;
    /// <summary>Que2Search only: add the contextual encoder to the fusion.</summary>
    public bool ContextEncoder { get; init; }
    public ITrainingObjective Objective { get; init; } = TrainingObjectives.DefaultFor(TrainingKnobs.Model.Default);
    /// <summary>Que2Engage only: modality dropout (δ_c, δ_i, δ_t from the config).</summary>
    public bool ModalityDropout { get; init; }
    public double Lambda1 { get; init; } = TrainingKnobs.Lambda1.Default;
    public double Lambda2 { get; init; } = TrainingKnobs.Lambda2.Default;
    /// <summary>
    /// Multitask: document-centre the relevance softmax (see DocumentCentredContrastiveLoss; the recommended recipe).
    /// False = the paper's plain in-batch softmax, which suppresses the document-level offsets that carry engagement.
    /// </summary>
    public bool CentredRelevance { get; init; }
    /// <summary>Multitask: which shown pairs are relevance positives (paper: every shown pair).</summary>
    public RelevancePositives RelevancePositives { get; init; } = TrainingKnobs.RelevancePositives.Default;
    /// <summary>
    /// Multitask: the share of engaged pairs in every batch (e.g. 0.5 = the paper's 1:1 engaged : shown-not-engaged
    /// training set); a batch then holds batch-size engaged pairs plus shown-not-engaged ones (see
    /// <see cref="StratifiedBatchSampler"/>). null = B impressions as they come (≈ the log's engagement rate).
    /// </summary>
    public double? EngagedFraction { get; init; }
    /// <summary>The document engagement prior g(d) in the engagement logit (<see cref="ModelConfig.EngagementPrior"/>).</summary>
    public bool EngagementPrior { get; init; }
    /// <summary>
    /// Multitask: the share (0–1) of the engagement loss's gradient that reaches the two towers through κ(q, d).
    /// 1 = the paper (engagement shapes the embedding); 0 = the embedding learns relevance only, and engagement is
    /// learned by the prior g(d) and the bias b. The forward pass is the same at every value.
    /// </summary>
    public double EngagementGradient { get; init; } = TrainingKnobs.EngagementGradient.Default;
    /// <summary>With the prior: the model's serving weight w (<see cref="ModelConfig.ServingEngagementWeight"/>); null = 1.</summary>
    public double? ServingEngagementWeight { get; init; }

    // How to run it (run settings; an experiment applies its own to every variant: TrainAndEvaluate.OptionsFor).
    public string Preset { get; init; } = TrainingKnobs.Preset.Default;
    public int? Steps { get; init; }
    public int? Epochs { get; init; }
    public int Seed { get; init; } = TrainingKnobs.Seed.Default;
    /// <summary>libtorch intra-op threads; 0 = the machine's cores.</summary>
    public int Threads { get; init; }
    public int CheckpointEvery { get; init; } = TrainingKnobs.CheckpointEvery.Default;
    public bool Resume { get; init; }
    /// <summary>Linear learning-rate warm-up steps (null = min(50, steps/10)).</summary>
    public int? WarmupSteps { get; init; }
    /// <summary>Model knobs over the preset's (sizes, batch, learning rates, dropout, tokenizer, init checkpoint).</summary>
    public ModelConfigOverrides Overrides { get; init; } = new();

    /// <summary>The model configuration these options describe, for images of dimension <paramref name="imageDim"/>.</summary>
    public ModelConfig BuildModelConfig(int imageDim)
    {
        var p = ModelConfig.Preset(Preset);
        var config = Overrides.ApplyTo(p with
        {
            Kind = Model,
            ContextEncoder = Model == ModelKind.Que2Search && ContextEncoder,
            ModalityDropout = Model == ModelKind.Que2Engage && ModalityDropout,
            EngagementPrior = EngagementPrior,
            ServingEngagementWeight = ServingEngagementWeight ?? p.ServingEngagementWeight,
            ImageDim = imageDim,
        });
        config.Validate();
        return config;
    }

    /// <summary>The settings that define the training loss, recorded in the checkpoint and config.json.</summary>
    public LossSettings Loss => new(Objective, Lambda1, Lambda2, CentredRelevance, RelevancePositives, EngagedFraction, EngagementGradient);

    /// <summary>
    /// Fails with an <see cref="InvalidInputException.Setting"/> error naming the first bad setting, or the first combination of
    /// settings that does not go together (a switch of the other document tower, an XLM-R init without its tokenizer).
    /// </summary>
    public void Validate()
    {
        // Each knob's own range (TrainingKnobs), then the combinations.
        foreach (var knob in TrainingKnobs.All) knob.Validate(this);
        if (Overrides.InitCheckpoint is string init && !Modeling.Pretrained.PretrainedInit.IsOnnx(init) && Overrides.TokenizerModel is null)
            throw InvalidInputException.Setting(
                "ModelConfigOverrides.InitCheckpoint needs ModelConfigOverrides.TokenizerModel (the checkpoint's SentencePiece model), so token ids match its embeddings",
                "ModelConfigOverrides.InitCheckpoint", "ModelConfigOverrides.TokenizerModel");
        if (Model == ModelKind.Que2Engage && ContextEncoder)
            throw InvalidInputException.Setting(
                "TrainingOptions.ContextEncoder applies to the que2search document tower (que2engage's always has its context token)",
                "TrainingOptions.ContextEncoder");
        if (Model == ModelKind.Que2Search && ModalityDropout)
            throw InvalidInputException.Setting("TrainingOptions.ModalityDropout applies to the que2engage document tower", "TrainingOptions.ModalityDropout");
    }
}
