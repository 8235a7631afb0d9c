using Que2Engage.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Que2Engage.Modeling;

/// <summary>
/// A query tower and a document tower (Que2Search's or Que2Engage's) producing L2-normalised D-dim embeddings, plus
/// the learnable engagement bias b of the multitask objective. Inference methods are thread-safe: they serialise on
/// a lock (libtorch already parallelises each batch across the configured threads, and train/eval mode is
/// module-wide state).
/// </summary>
public sealed class TwoTowerModel : nn.Module, IEmbeddingModel
{
    /// <summary>Products/queries per forward pass during inference.</summary>
    public const int InferenceBatchSize = 256;

    private readonly QueryTower queryTower;
    private readonly nn.Module<DocumentInputs, Tensor> documentTower;
    private readonly Parameter engagementBias;
    private readonly object _inferenceLock = new();

    public ModelConfig Config { get; }
    public ContextStatistics ContextStatistics { get; }
    public Featurizer Featurizer { get; }
    /// <summary>The checksum of the weights file this model was loaded from or saved to (see <see cref="ModelStore"/>); null before.</summary>
    public string? Identity { get; internal set; }

    public TwoTowerModel(ModelConfig config, ContextStatistics contextStatistics) : base(nameof(TwoTowerModel))
    {
        config.Validate();
        Config = config;
        ContextStatistics = contextStatistics;
        Featurizer = new Featurizer(config, contextStatistics);
        queryTower = new QueryTower(config);
        documentTower = config.Kind == ModelKind.Que2Engage
            ? new Que2EngageDocumentTower(config)
            : new Que2SearchDocumentTower(config);
        engagementBias = nn.Parameter(zeros(1));
        EngagementWeight = config.ServingEngagementWeight;
        RegisterComponents();
    }

    /// <summary>True when the document tower has the engagement prior g(d) (<see cref="ModelConfig.EngagementPrior"/>).</summary>
    public bool HasEngagementPrior => Config.EngagementPrior;

    /// <summary>
    /// Length of the vectors <see cref="EmbedQueries"/>/<see cref="EmbedProducts"/> return: D, plus one coordinate
    /// with the engagement prior (documents: g(d)/s; queries: <see cref="EngagementWeight"/>), so that their inner
    /// product is κ(q,d) + w·g(d)/s — the engagement logit's order at w = 1, relevance alone at w = 0.
    /// </summary>
    public int Dimension => Config.Dim + ExtraCoordinates;

    /// <inheritdoc/>
    public int ExtraCoordinates => HasEngagementPrior ? 1 : 0;

    /// <summary>
    /// w, the query side of the prior coordinate: a serve-time relevance↔engagement dial (ignored without a prior).
    /// Starts at the model's <see cref="ModelConfig.ServingEngagementWeight"/>; w = 1 ranks by the engagement logit.
    /// </summary>
    public double EngagementWeight { get; set; }

    /// <summary>State-dict name of <see cref="EngagementBias"/>.</summary>
    public const string EngagementBiasName = nameof(engagementBias);

    /// <summary>The learnable bias b in σ(s·κ(q,d) + b) (multitask objective).</summary>
    public Parameter EngagementBias => engagementBias;

    /// <summary>Query embeddings (B×D) in the current train/eval mode, with gradients if enabled.</summary>
    public Tensor EncodeQueries(IReadOnlyList<QueryFeatures> queries) => queryTower.call(Featurizer.ToTensors(queries));

    /// <summary>Document embeddings (B×D) in the current train/eval mode, with gradients if enabled.</summary>
    public Tensor EncodeDocuments(IReadOnlyList<ProductFeatures> products) => EncodeDocumentsWithPrior(products).Embedding;

    /// <summary>
    /// Document embeddings (B×D) and, with <see cref="HasEngagementPrior"/>, the engagement prior g(d) (B). Token ids
    /// are padded to the batch's longest text, or with <paramref name="padToBudget"/> to DocMaxTokens (same outputs).
    /// </summary>
    public (Tensor Embedding, Tensor? Prior) EncodeDocumentsWithPrior(IReadOnlyList<ProductFeatures> products, bool padToBudget = false)
    {
        var output = documentTower.call(Featurizer.ToTensors(products, padToBudget));
        if (!HasEngagementPrior) return (output, null);
        return (output.narrow(1, 0, Config.Dim), output.select(1, Config.Dim));
    }

    public float[][] EmbedQueries(IReadOnlyList<string> queries) =>
        Infer(queries, batch =>
        {
            var q = EncodeQueries(batch.Select(Featurizer.Query).ToList());
            return HasEngagementPrior ? cat([q, full(q.shape[0], 1, EngagementWeight)], 1) : q;
        });

    public float[][] EmbedProducts(IReadOnlyList<Product> products) =>
        Infer(products, batch =>
        {
            var (d, prior) = EncodeDocumentsWithPrior(batch.Select(Featurizer.Product).ToList());
            return prior is null ? d : cat([d, (prior / Config.Scale).unsqueeze(1)], 1);
        });

    /// <summary>Fast path for a single query (serving).</summary>
    public float[] EmbedQuery(string query) => EmbedQueries([query])[0];

    private float[][] Infer<T>(IReadOnlyList<T> items, Func<IReadOnlyList<T>, Tensor> encode)
    {
        var result = new float[items.Count][];
        lock (_inferenceLock)
        {
            TorchRuntime.ApplyToCurrentThread();
            bool wasTraining = training;
            eval();
            try
            {
                // inference_mode (not just no_grad): results are copied out, so no version counters or views are needed.
                using var noGrad = inference_mode();
                for (int start = 0; start < items.Count; start += InferenceBatchSize)
                {
                    using var scope = NewDisposeScope();
                    int n = Math.Min(InferenceBatchSize, items.Count - start);
                    var batch = new List<T>(n);
                    for (int i = 0; i < n; i++) batch.Add(items[start + i]);
                    var flat = encode(batch).contiguous().data<float>().ToArray();
                    for (int i = 0; i < n; i++)
                        result[start + i] = flat.AsSpan(i * Dimension, Dimension).ToArray();
                }
            }
            finally
            {
                if (wasTraining) train();
            }
        }
        return result;
    }
}
