using StreamRec.Model.Manifest;
using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;
using StreamRec.Ranking.Evaluation;
using StreamRec.Ranking.Offline;
using StreamRec.Ranking.Serving;
using StreamRec.Ranking.Training;
using Xunit.Abstractions;

namespace StreamRec.Ranking.Tests.Training;

public sealed class RankerTrainerTests(SimulatedLogsFixture logs, ITestOutputHelper output) : IClassFixture<SimulatedLogsFixture>, IDisposable
{
    private static readonly RankerTrainingOptions Small = new()
    {
        Trainer = RankerTrainerKind.FastTree,
        Trees = 60,
        Leaves = 12,
        MinExamplesPerLeaf = 20,
        NegativesPerPositive = 20,
    };

    private readonly TempDirectory _directory = new();
    private readonly InteractionReplayer _replayer = new(new PipelineOptions(), TimeProvider.System);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void TrainThenEvaluate_SmallLogOfAnotherSeed_ModelOutranksPopularityAndRecency()
    {
        var path = _directory.File("ranker.onnx");

        var trained = new RankerTrainer(Small, _replayer).Train(logs.TrainingLog, path, CancellationToken.None);
        EvaluationResult result;
        using (var scorer = new OnnxScorer(path, new OnnxScorerOptions { WatchFileSystem = false }))
        {
            result = HoldoutEvaluation.Run(_replayer, logs.EvaluationLog, 0.2, [("model", scorer), ("baseline", new BaselineScorer())], CancellationToken.None);
        }

        var manifest = ModelManifest.LoadForModel(path);
        Assert.Equal(FeatureExtractor.FeatureNames, manifest.FeatureNames);
        Assert.Equal(trained.Manifest.ModelVersion, manifest.ModelVersion);
        Assert.Equal(trained.TrainingCases, manifest.TrainedFrom.Positives);
        Assert.True(manifest.TrainedFrom.TrainingRows > manifest.TrainedFrom.Positives * 10);
        Assert.Equal(trained.Validation[RankerTrainerKind.FastTree].H10, manifest.TrainedFrom.ValidationMetrics["h10"]);
        Assert.True(manifest.TrainedFrom.WindowStart < manifest.TrainedFrom.WindowEnd);

        var (model, pop, rep) = (result.Methods["model"], result.Methods[RankingEvaluator.Popularity], result.Methods[RankingEvaluator.Recency]);
        output.WriteLine($"cases {result.Cases}: model {model}, pop {pop}, rep {rep}, baseline {result.Methods["baseline"]}");
        Assert.True(result.Cases >= 100, $"only {result.Cases} held-out visits");
        Assert.Equal(result.Cases, result.NewCases + result.RepeatCases);
        Assert.True(model.H10 > pop.H10 && model.Ndcg10 > pop.Ndcg10, $"model {model} vs pop {pop}");
        Assert.True(model.H10 > rep.H10 && model.Ndcg10 > rep.Ndcg10, $"model {model} vs rep {rep}");
    }

    [Fact]
    public void Train_SameLogAndSeedTwice_WritesIdenticalBytesAndKeepsTheBetterTrainer()
    {
        var options = Small with { Trainer = RankerTrainerKind.Auto };
        var first = _directory.File("first/ranker.onnx");
        var second = _directory.File("second/ranker.onnx");

        var result = new RankerTrainer(options, _replayer).Train(logs.TrainingLog, first, CancellationToken.None);
        new RankerTrainer(options, _replayer).Train(logs.TrainingLog, second, CancellationToken.None);

        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
        Assert.Equal(File.ReadAllBytes(ModelManifest.PathForModel(first)), File.ReadAllBytes(ModelManifest.PathForModel(second)));
        Assert.Equal([first, ModelManifest.PathForModel(first)], Directory.GetFiles(Path.GetDirectoryName(first)!).Order(StringComparer.Ordinal));
        var best = result.Validation.MaxBy(v => (v.Value.H10, v.Value.Ndcg10)).Key;
        Assert.Equal(2, result.Validation.Count);
        Assert.Equal(best, result.Trainer);
        Assert.StartsWith(best == RankerTrainerKind.FastTree ? "FastTree" : "LightGbm", result.Manifest.TrainedFrom.TrainerName, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_LogTooShortToSplit_RefusesWithReason()
    {
        var log = EventLog.Simulate(_directory.File("tiny.jsonl"), users: 10, rooms: 4, TimeSpan.FromMinutes(15), seed: 1);

        var error = Assert.Throws<InvalidDataException>(() => new RankerTrainer(Small, _replayer).Train(log, _directory.File("m.onnx"), CancellationToken.None));

        Assert.Contains("Use a longer log", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_directory.File("m.onnx")));
    }
}
