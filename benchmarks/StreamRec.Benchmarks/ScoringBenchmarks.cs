using BenchmarkDotNet.Attributes;
using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Scoring;
using StreamRec.Ranking.Serving;

namespace StreamRec.Benchmarks;

/// <summary>Scoring throughput of the shipped ONNX ranking model against the linear baseline, on the same rows.</summary>
public class ScoringBenchmarks : IDisposable
{
    private const int MaxRows = 1024;

    private OnnxScorer? _model;
    private BaselineScorer _baseline = null!;
    private float[] _features = [];
    private float[] _scores = [];

    /// <summary>Rows per Score call: one user's few candidates, one round of a busy tick, a large round.</summary>
    [Params(1, 64, MaxRows)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "models", "ranker.onnx");
        _model = new OnnxScorer(path, new OnnxScorerOptions { WatchFileSystem = false, PollInterval = Timeout.InfiniteTimeSpan });
        _baseline = new BaselineScorer();
        _features = FeatureRows.Collect(MaxRows);
        _scores = new float[MaxRows];
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _model?.Dispose();
        _model = null;
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public void Baseline() => _baseline.Score(_features.AsSpan(0, BatchSize * FeatureExtractor.Count), BatchSize, _scores);

    [Benchmark]
    public void OnnxModel() => _model!.Score(_features.AsSpan(0, BatchSize * FeatureExtractor.Count), BatchSize, _scores);
}
