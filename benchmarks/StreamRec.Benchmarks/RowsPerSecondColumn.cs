using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace StreamRec.Benchmarks;

/// <summary>Rows scored per second: the benchmark's <c>BatchSize</c> parameter divided by its mean time per call.</summary>
public sealed class RowsPerSecondColumn : IColumn
{
    public string Id => nameof(RowsPerSecondColumn);

    public string ColumnName => "Rows/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Feature rows scored per second (BatchSize / Mean)";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        var batch = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "BatchSize")?.Value;
        var report = summary[benchmarkCase];
        if (batch is not int rows || report?.ResultStatistics is not { } statistics)
        {
            return "-";
        }

        return (rows / (statistics.Mean / 1e9)).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
    }
}
