namespace Que2Engage.Modeling.Pretrained;

/// <summary>
/// Initialises a <see cref="TwoTowerModel"/> from a Hugging Face XLM-R checkpoint (safetensors), as the paper does (the
/// layer mapping is <see cref="EncoderWeightLoader"/>'s; optional "roberta." / "xlm_roberta." prefix). Word-embedding
/// rows 0 and 1 are swapped (XLM-R has &lt;s&gt;=0, &lt;pad&gt;=1; our tokenizers have [PAD]=0, [CLS]=1); positions
/// start at XLM-R's row 2 (its padding_idx + 1).
/// </summary>
public static class XlmRobertaWeights
{
    static readonly string[] Prefixes = ["", "roberta.", "xlm_roberta."];

    public static PretrainedLoadReport LoadInto(TwoTowerModel model, string checkpointPath)
    {
        using var reader = new SafetensorsReader(checkpointPath);
        string prefix = Prefixes.FirstOrDefault(p => reader.Tensors.ContainsKey(p + "embeddings.word_embeddings.weight"))
            ?? throw new InvalidInputException($"{checkpointPath}: no 'embeddings.word_embeddings.weight' tensor — not an XLM-R/RoBERTa checkpoint");
        var layout = new CheckpointLayout(prefix, row => row switch { 0 => 1, 1 => 0, _ => row }, "rows 0/1 swapped", PositionOffset: 2);
        return EncoderWeightLoader.LoadInto(model, reader, layout);
    }
}
