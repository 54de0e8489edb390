using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;

namespace StreamRec.Benchmarks;

/// <summary>The one configuration of every benchmark here: allocations measured, and throughput in rows per second.</summary>
public sealed class BenchmarkConfig : ManualConfig
{
    public BenchmarkConfig()
    {
        Add(DefaultConfig.Instance);
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(new RowsPerSecondColumn());
    }
}
