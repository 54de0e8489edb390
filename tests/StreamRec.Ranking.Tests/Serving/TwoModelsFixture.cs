using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using StreamRec.Model.Export;
using StreamRec.Model.Manifest;
using StreamRec.Model.Scoring;
using StreamRec.Pipeline.Features;

namespace StreamRec.Ranking.Tests.Serving;

/// <summary>
/// Two small models over the pipeline's features that rank differently (A follows interest similarity, B popularity),
/// their expected scores on shared rows, and a model whose manifest lists the features in another order.
/// </summary>
public sealed class TwoModelsFixture : IDisposable
{
    public const int Rows = 2048;
    private readonly TempDirectory _directory = new();

    public TwoModelsFixture()
    {
        var width = FeatureExtractor.Count;
        var random = new Random(5);
        Features = new float[Rows * width];
        for (var i = 0; i < Features.Length; i++)
        {
            Features[i] = (float)random.NextDouble();
        }

        ModelA = Train(feature: 0, "model-a", FeatureExtractor.FeatureNames, "a.onnx");
        ModelB = Train(feature: 3, "model-b", FeatureExtractor.FeatureNames, "b.onnx");
        Reordered = Train(feature: 0, "model-reordered", [.. FeatureExtractor.FeatureNames.Reverse()], "reordered.onnx");
        ExpectedA = Expected(ModelA);
        ExpectedB = Expected(ModelB);
    }

    public float[] Features { get; }

    public string ModelA { get; }

    public string ModelB { get; }

    public string Reordered { get; }

    public float[] ExpectedA { get; }

    public float[] ExpectedB { get; }

    /// <summary>Copies a model and its manifest to <paramref name="destination"/> as fresh writes (new modification times).</summary>
    public static void Install(string model, string destination, bool withManifest = true)
    {
        File.WriteAllBytes(destination, File.ReadAllBytes(model));
        if (withManifest)
        {
            File.WriteAllBytes(ModelManifest.PathForModel(destination), File.ReadAllBytes(ModelManifest.PathForModel(model)));
        }
    }

    public void Dispose() => _directory.Dispose();

    private string Train(int feature, string version, IReadOnlyList<string> names, string file)
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(feature + 11);
        var rows = Enumerable.Range(0, 2000).Select(_ =>
        {
            var x = new float[FeatureExtractor.Count];
            for (var f = 0; f < x.Length; f++)
            {
                x[f] = (float)random.NextDouble();
            }

            return new Row { Features = x, Label = random.NextDouble() < x[feature] };
        }).ToList();
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, FeatureExtractor.Count);
        var model = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            NumberOfTrees = 20,
            NumberOfLeaves = 8,
            MinimumExampleCountPerLeaf = 20,
            NumberOfThreads = 1,
        }).Fit(ml.Data.LoadFromEnumerable(rows, schema));
        var manifest = new ModelManifest(
            names, version, new ModelTrainingSummary(rows.Count, rows.Count(r => r.Label), default, default, "FastTreeBinary(trees=20)", new Dictionary<string, double>()));
        var path = _directory.File(file);
        new OnnxRankerExporter().ExportToFile(model, manifest, path);
        return path;
    }

    private float[] Expected(string model)
    {
        using var scorer = new OnnxBatchScorer(model, FeatureExtractor.FeatureNames);
        var scores = new float[Rows];
        scorer.Score(Features, Rows, scores);
        return scores;
    }

    private sealed class Row
    {
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }
}
