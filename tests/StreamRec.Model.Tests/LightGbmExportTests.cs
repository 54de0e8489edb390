using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;
using StreamRec.Model.Export;
using StreamRec.Model.Manifest;
using StreamRec.Model.Scoring;
using Xunit.Abstractions;

namespace StreamRec.Model.Tests;

public sealed class LightGbmExportTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "streamrec-lightgbm-tests-" + Guid.NewGuid().ToString("N"));
    private readonly ITestOutputHelper _output;

    public LightGbmExportTests(ITestOutputHelper output)
    {
        _output = output;
        Directory.CreateDirectory(_directory);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Export_LightGbm_OnnxRuntimeMatchesMlNetProbability()
    {
        var ml = new MLContext(seed: 11);
        var training = SyntheticRankingData.Generate(TrainedFastTreeFixture.TrainingRows, seed: 20240601);
        var trainer = ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
        {
            NumberOfIterations = 60,
            NumberOfLeaves = 16,
            MinimumExampleCountPerLeaf = 10,
            LearningRate = 0.2,
            NumberOfThreads = 1,
            Seed = 3,
        });
        var transformer = trainer.Fit(ml.Data.LoadFromEnumerable(training));
        var manifest = new ModelManifest(
            SyntheticRankingData.FeatureNames,
            "test-lightgbm-1",
            new ModelTrainingSummary(
                training.Length,
                training.LongCount(r => r.Label),
                DateTimeOffset.UnixEpoch,
                DateTimeOffset.UnixEpoch.AddDays(30),
                "LightGbmBinary(iterations=60, leaves=16)",
                new Dictionary<string, double>()));
        string modelPath = Path.Combine(_directory, "ranker.onnx");
        new OnnxRankerExporter().ExportToFile(transformer, manifest, modelPath);

        List<float[]> rows = ParityRows.Build(transformer.Model.SubModel.TrainedTreeEnsemble);
        var view = ml.Data.LoadFromEnumerable(rows.Select(r => new SyntheticRankingData.FeaturesOnly { Features = r }));
        float[] expected = transformer.Transform(view).GetColumn<float>("Probability").ToArray();
        var actual = new float[rows.Count];
        using (var scorer = new OnnxBatchScorer(modelPath, SyntheticRankingData.FeatureNames))
        {
            scorer.Score(SyntheticRankingData.Flatten(rows), rows.Count, actual);
        }

        double maxError = ParityRows.AssertAgree(rows, expected, actual, 1e-4);
        _output.WriteLine($"LightGBM parity over {rows.Count} rows: max |ML.NET - ONNX Runtime| = {maxError:E3}");
    }
}
