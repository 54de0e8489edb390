using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using StreamRec.Model.Export;
using StreamRec.Model.Manifest;

namespace StreamRec.Model.Tests;

/// <summary>Trains one FastTree model per test run and exports it, with its manifest, into a private temp folder.</summary>
public sealed class TrainedFastTreeFixture : IDisposable
{
    public const int TrainingRows = 5_000;

    public TrainedFastTreeFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "streamrec-model-tests-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);

        MlContext = new MLContext(seed: 7);
        var rows = SyntheticRankingData.Generate(TrainingRows, seed: 20240601);
        var data = MlContext.Data.LoadFromEnumerable(rows);
        var trainer = MlContext.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            NumberOfTrees = 60,
            NumberOfLeaves = 16,
            MinimumExampleCountPerLeaf = 10,
            LearningRate = 0.2,
            NumberOfThreads = 1,
        });
        Transformer = trainer.Fit(data);

        Manifest = new ModelManifest(
            SyntheticRankingData.FeatureNames,
            "test-fasttree-1",
            new ModelTrainingSummary(
                TrainingRows,
                rows.LongCount(r => r.Label),
                new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero),
                new DateTimeOffset(2024, 5, 31, 23, 59, 59, TimeSpan.Zero),
                "FastTreeBinary(trees=60, leaves=16)",
                new Dictionary<string, double> { ["auc"] = 0.5 }));

        ModelPath = Path.Combine(Directory, "ranker.onnx");
        new OnnxRankerExporter().ExportToFile(Transformer, Manifest, ModelPath);
    }

    public MLContext MlContext { get; }

    public BinaryPredictionTransformer<CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator>> Transformer { get; }

    public CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator> Model => Transformer.Model;

    public ModelManifest Manifest { get; }

    public string Directory { get; }

    public string ModelPath { get; }

    /// <summary>ML.NET's calibrated probability for each row.</summary>
    public float[] PredictWithMlNet(IReadOnlyList<float[]> rows)
    {
        var view = MlContext.Data.LoadFromEnumerable(rows.Select(r => new SyntheticRankingData.FeaturesOnly { Features = r }));
        return Transformer.Transform(view).GetColumn<float>("Probability").ToArray();
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
