using BenchmarkDotNet.Attributes;
using StreamRec.Model.Scoring;
using StreamRec.Pipeline.Features;

namespace StreamRec.Benchmarks;

/// <summary>
/// Raw ONNX Runtime throughput of several trained models on the same realistic feature rows, in one run, so model
/// variants (trees, leaves, trainer) are compared under the same conditions. The models are the shipped one and each
/// <c>NAME/ranker.onnx</c> (with its manifest) under the folder that <see cref="VariantsVariable"/> names, for example
/// the outputs of <c>streamrec train --trees T --leaves L --out DIR/NAME/ranker.onnx</c>.
/// </summary>
public class ModelVariantBenchmarks : IDisposable
{
    /// <summary>Environment variable naming the folder of model variants; without it only the shipped model runs.</summary>
    public const string VariantsVariable = "STREAMREC_MODEL_VARIANTS";

    private const string Shipped = "shipped";

    private OnnxBatchScorer? _scorer;
    private float[] _features = [];
    private float[] _scores = [];

    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = Shipped;

    /// <summary>One tick's call: the scorer runs ONNX Runtime on it 64 rows at a time, as in the pipeline.</summary>
    [Params(1024)]
    public int BatchSize { get; set; }

    public static IEnumerable<string> Models()
    {
        yield return Shipped;
        if (Environment.GetEnvironmentVariable(VariantsVariable) is { Length: > 0 } folder && Directory.Exists(folder))
        {
            foreach (var directory in Directory.GetDirectories(folder).Order(StringComparer.Ordinal))
            {
                if (File.Exists(Path.Combine(directory, "ranker.onnx")))
                {
                    yield return Path.GetFileName(directory);
                }
            }
        }
    }

    [GlobalSetup]
    public void Setup()
    {
        var path = Model == Shipped
            ? Path.Combine(AppContext.BaseDirectory, "models", "ranker.onnx")
            : Path.Combine(Environment.GetEnvironmentVariable(VariantsVariable)!, Model, "ranker.onnx");
        _scorer = new OnnxBatchScorer(path, FeatureExtractor.FeatureNames);
        _features = FeatureRows.Collect(BatchSize);
        _scores = new float[BatchSize];
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _scorer?.Dispose();
        _scorer = null;
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public void Score() => _scorer!.Score(_features, BatchSize, _scores);
}
