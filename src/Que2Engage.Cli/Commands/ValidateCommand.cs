using System.CommandLine;
using Que2Engage.Data;

namespace Que2Engage.Cli.Commands;

/// <summary>
/// <c>validate --data DIR [--lenient]</c>: strict prints every problem as <c>file:row: field: message</c> (first 20)
/// and exits 2 if any; lenient prints how many rows each file would lose and exits 0 unless a whole file is unusable.
/// </summary>
public static class ValidateCommand
{
    public const int MaxListed = 20;

    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Data directory (products.parquet|jsonl, train/, eval/).", Required = true };
        var lenient = new Option<bool>("--lenient") { Description = "Report rows a lenient read would skip instead of failing." };
        var c = new Command("validate", "Check every file of a data directory: schema, types, ranges, references.") { data, lenient };
        c.SetAction(p => Verbs.Run(p, () =>
        {
            var result = DataValidator.Validate(p.GetValue(data)!, MaxListed);
            return Print(result, p.GetValue(lenient), p.InvocationConfiguration.Output);
        }));
        return c;
    }

    static int Print(ValidationResult result, bool lenient, TextWriter output)
    {
        if (result.IsValid)
        {
            foreach (var (file, rows) in result.RowsChecked.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                output.WriteLine($"{file}: {rows:N0} rows");
            output.WriteLine(result.ImageDimension is int d ? $"image embeddings: dimension {d}" : "image embeddings: none");
            output.WriteLine("ok: no problems found");
            return 0;
        }
        if (lenient)
        {
            foreach (var p in result.Problems.Where(p => p.Row == 0)) output.WriteLine(p);
            foreach (var (file, rows) in result.RowsChecked.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                output.WriteLine($"{file}: {result.SkippedRows.GetValueOrDefault(file):N0} of {rows:N0} rows would be skipped");
            return result.HasFileLevelProblems ? 2 : 0;
        }
        foreach (var p in result.Problems) output.WriteLine(p);
        long more = result.TotalProblems - result.Problems.Count;
        if (more > 0) output.WriteLine($"… and {more:N0} more problems");
        return 2;
    }
}
