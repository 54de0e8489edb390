using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using Onnx;
using StreamRec.Model.Export;
using StreamRec.Model.Manifest;
using StreamRec.Model.Scoring;
using Xunit.Abstractions;

namespace StreamRec.Model.Tests;

/// <summary>
/// LambdaMART rankers (FastTree and LightGBM) through the same exporter as the classifiers: no calibrator, so the
/// served score is the ensemble's raw sum, and it must agree with ML.NET's <c>Score</c> column as the probabilities do.
/// </summary>
public sealed class RankingExportTests : IDisposable
{
    private const double Tolerance = 1e-4;
    private const string FastTree = "FastTree";
    private const string LightGbm = "LightGbm";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "streamrec-ranking-export-tests-" + Guid.NewGuid().ToString("N"));
    private readonly ITestOutputHelper _output;

    public RankingExportTests(ITestOutputHelper output)
    {
        _output = output;
        Directory.CreateDirectory(_directory);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(FastTree, 0.0)]
    [InlineData(FastTree, 0.1)]
    [InlineData(LightGbm, 0.0)]
    [InlineData(LightGbm, 0.1)]
    public void Export_Ranker_OnnxRuntimeMatchesMlNetScoreOnEdgeExtremeAndNaNRows(string ranker, double trainedMissingFraction)
    {
        var ml = new MLContext(seed: 5);
        var (transformer, ensemble) = Train(ml, ranker, trainedMissingFraction);
        var path = Export(transformer, ranker);

        List<float[]> rows = ParityRows.Build(ensemble);
        rows.AddRange(ParityRows.WithMissing(rows, 3_000, fraction: 0.2, seed: 2));
        var view = ml.Data.LoadFromEnumerable(rows.Select(r => new SyntheticRankingData.FeaturesOnly { Features = r }));
        float[] expected = transformer.Transform(view).GetColumn<float>("Score").ToArray();
        var actual = new float[rows.Count];
        using (var scorer = new OnnxBatchScorer(path, SyntheticRankingData.FeatureNames))
        {
            scorer.Score(SyntheticRankingData.Flatten(rows), rows.Count, actual);
        }

        double maxError = ParityRows.AssertAgree(rows, expected, actual, Tolerance);
        _output.WriteLine($"{ranker} ranker (trained with {trainedMissingFraction:P0} missing), parity over {rows.Count} rows: max error {maxError:E3}, scores in [{expected.Min()}, {expected.Max()}]");
        Assert.True(rows.Count >= 5_000, $"Only {rows.Count} parity rows.");

        // A raw score, not a probability: the parity above is over the values the pipeline orders.
        Assert.Contains(expected, s => s is < 0 or > 1);
    }

    [Theory]
    [InlineData(FastTree)]
    [InlineData(LightGbm)]
    public void Export_Ranker_WritesServingSignatureWithoutCalibration(string ranker)
    {
        var (transformer, _) = Train(new MLContext(seed: 5), ranker, 0);

        var model = ReadModel(Export(transformer, ranker));

        var input = Assert.Single(model.Graph.Input);
        var output = Assert.Single(model.Graph.Output);
        Assert.Equal(OnnxRankerExporter.InputName, input.Name);
        Assert.Equal(OnnxRankerExporter.OutputName, output.Name);
        Assert.Equal(["N", "8"], Dims(input));
        Assert.Equal(["N", "1"], Dims(output));
        Assert.Equal("TreeEnsembleRegressor", model.Graph.Node[0].OpType);
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType == "Sigmoid");
        Assert.Contains("Ranking score", model.DocString, StringComparison.Ordinal);
        Assert.Equal($"test-{ranker}-ranking-1", model.MetadataProps.Single(p => p.Key == OnnxRankerExporter.ModelVersionMetadataKey).Value);
    }

    [Theory]
    [InlineData(FastTree)]
    [InlineData(LightGbm)]
    public void TrainAndExport_SameDataAndSeedTwice_WritesIdenticalBytes(string ranker)
    {
        var (first, _) = Train(new MLContext(seed: 5), ranker, 0.1);
        var (second, _) = Train(new MLContext(seed: 5), ranker, 0.1);

        Assert.Equal(File.ReadAllBytes(Export(first, ranker, "first")), File.ReadAllBytes(Export(second, ranker, "second")));
    }

    [SkippableTheory]
    [InlineData(FastTree)]
    [InlineData(LightGbm)]
    public void Export_Ranker_PassesOnnxCheckerFullCheck(string ranker)
    {
        Skip.IfNot(OnnxChecker.IsAvailable, OnnxChecker.MissingReason);
        var (transformer, _) = Train(new MLContext(seed: 5), ranker, 0.1);

        var (exitCode, text) = OnnxChecker.FullCheck(Export(transformer, ranker));

        _output.WriteLine(text);
        Assert.True(exitCode == 0, $"onnx.checker rejected the {ranker} ranker: {text}");
    }

    private static (ITransformer Model, RegressionTreeEnsemble Ensemble) Train(MLContext ml, string ranker, double missingFraction)
    {
        var data = ml.Data.LoadFromEnumerable(SyntheticRankingData.GenerateGroups(seed: 20240601, missingFraction));
        if (ranker == FastTree)
        {
            var fastTree = ml.Ranking.Trainers.FastTree(new FastTreeRankingTrainer.Options
            {
                LabelColumnName = nameof(SyntheticRankingData.GroupedRow.Relevance),
                RowGroupColumnName = nameof(SyntheticRankingData.GroupedRow.GroupId),
                NumberOfTrees = 60,
                NumberOfLeaves = 16,
                MinimumExampleCountPerLeaf = 10,
                LearningRate = 0.2,
                NumberOfThreads = 1,
            }).Fit(data);
            return (fastTree, fastTree.Model.TrainedTreeEnsemble);
        }

        var lightGbm = ml.Ranking.Trainers.LightGbm(new LightGbmRankingTrainer.Options
        {
            LabelColumnName = nameof(SyntheticRankingData.GroupedRow.Relevance),
            RowGroupColumnName = nameof(SyntheticRankingData.GroupedRow.GroupId),
            NumberOfIterations = 60,
            NumberOfLeaves = 16,
            MinimumExampleCountPerLeaf = 10,
            LearningRate = 0.2,
            NumberOfThreads = 1,
            Seed = 3,
            Silent = true,
        }).Fit(data);
        return (lightGbm, lightGbm.Model.TrainedTreeEnsemble);
    }

    private string Export(ITransformer model, string ranker, string name = "ranker")
    {
        var manifest = new ModelManifest(
            SyntheticRankingData.FeatureNames,
            $"test-{ranker}-ranking-1",
            new ModelTrainingSummary(
                SyntheticRankingData.Groups * SyntheticRankingData.RowsPerGroup, SyntheticRankingData.Groups, DateTimeOffset.UnixEpoch,
                DateTimeOffset.UnixEpoch, $"{ranker}Ranking", new Dictionary<string, double>()));
        string path = Path.Combine(_directory, $"{name}-{ranker}.onnx");
        new OnnxRankerExporter().ExportToFile(model, manifest, path);
        return path;
    }

    private static ModelProto ReadModel(string path)
    {
        using var stream = File.OpenRead(path);
        return ModelProto.Parser.ParseFrom(stream);
    }

    private static string[] Dims(ValueInfoProto value) =>
        [.. value.Type.TensorType.Shape.Dim.Select(d => d.DimParam.Length > 0 ? d.DimParam : d.DimValue.ToString(CultureInfo.InvariantCulture))];
}
