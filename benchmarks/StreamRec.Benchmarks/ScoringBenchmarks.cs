using BenchmarkDotNet.Attributes;
using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Scoring;
using StreamRec.Ranking.Serving;

namespace StreamRec.Benchmarks;

/// <summary>
/// Scoring throughput of the shipped ONNX ranking model against the linear baseline, on the same rows, with the model
/// on one lane and on two (a call of 1,024 rows or more is split across two threads; see <see cref="Model.Scoring.OnnxLaneScorer"/>).
/// </summary>
public class ScoringBenchmarks : IDisposable
{
    private const int MaxRows = 8192;

    private OnnxScorer? _model;
    private BaselineScorer _baseline = null!;
    private float[] _features = [];
    private float[] _scores = [];

    /// <summary>Rows per Score call: one user's few candidates, a quiet tick, a busy tick, a tick of the 1M-user bench (~12k rows).</summary>
    [Params(1, 64, 1024, MaxRows)]
    public int BatchSize { get; set; }

    /// <summary>Threads the model scores one call on.</summary>
    [Params(1, 2)]
    public int Lanes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "models", "ranker.onnx");
        _model = new OnnxScorer(path, new OnnxScorerOptions { WatchFileSystem = false, PollInterval = Timeout.InfiniteTimeSpan, Lanes = Lanes });
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
