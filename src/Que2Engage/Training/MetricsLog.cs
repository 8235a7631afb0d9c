using System.Text.Json;

namespace Que2Engage.Training;

/// <summary>One line of MODEL_DIR/metrics.jsonl.</summary>
public sealed record StepMetrics(int Step, double Loss, double? LossRelevance, double? LossEngagement, double Lr, double ExamplesPerSecond);

/// <summary>
/// Appends one JSON object per step to metrics.jsonl. On resume, lines after the checkpoint's step are dropped so
/// the log matches the continued run.
/// </summary>
public sealed class MetricsLog : IDisposable
{
    public const string FileName = "metrics.jsonl";
    private readonly StreamWriter _writer;

    public MetricsLog(string modelDir, int keepUpToStep)
    {
        string path = Path.Combine(modelDir, FileName);
        var kept = new List<string>();
        if (keepUpToStep > 0 && File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                try
                {
                    using var doc = JsonDocument.Parse(line);
                    if (doc.RootElement.GetProperty("step").GetInt32() <= keepUpToStep) kept.Add(line);
                }
                catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException) { }
            }
        }
        _writer = new StreamWriter(path, append: false);
        foreach (var line in kept) _writer.WriteLine(line);
    }

    private static readonly JsonSerializerOptions Compact = new(Modeling.ModelStore.Json) { WriteIndented = false };

    public void Write(StepMetrics m) => _writer.WriteLine(JsonSerializer.Serialize(m, Compact));

    public void Flush() => _writer.Flush();

    public void Dispose() => _writer.Dispose();
}
