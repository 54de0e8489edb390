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
        Objective = RankerObjective.Binary,
        Trees = 60,
        Leaves = 12,
        MinExamplesPerLeaf = 20,
        NegativesPerPositive = 20,
    };

    private readonly TempDirectory _directory = new();
    private readonly InteractionReplayer _replayer = new(new PipelineOptions(), TimeProvider.System);

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(RankerObjective.Binary)]
    [InlineData(RankerObjective.Ranking)]
    public void TrainThenEvaluate_SmallLogOfAnotherSeed_ModelOutranksPopularityAndRecency(RankerObjective objective)
    {
        var path = _directory.File("ranker.onnx");
        var chosen = new RankerCandidate(objective, RankerTrainerKind.FastTree);

        var trained = new RankerTrainer(Small with { Objective = objective }, _replayer).Train(logs.TrainingLog, path, CancellationToken.None);
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
        Assert.Equal(chosen, trained.Chosen);
        Assert.Equal(trained.Validation[chosen].H10, manifest.TrainedFrom.ValidationMetrics["h10"]);
        Assert.Equal(trained.Validation[chosen].Ndcg10, manifest.TrainedFrom.ValidationMetrics[$"{objective.ToString().ToLowerInvariant()}_fasttree_ndcg10"]);
        Assert.StartsWith(objective == RankerObjective.Binary ? "FastTreeBinary(" : "FastTreeRanking(LambdaMART", manifest.TrainedFrom.TrainerName, StringComparison.Ordinal);
        Assert.True(manifest.TrainedFrom.WindowStart < manifest.TrainedFrom.WindowEnd);

        var (model, pop, rep) = (result.Methods["model"], result.Methods[RankingEvaluator.Popularity], result.Methods[RankingEvaluator.Recency]);
        output.WriteLine($"{objective}: cases {result.Cases}: model {model}, pop {pop}, rep {rep}, baseline {result.Methods["baseline"]}");
        Assert.True(result.Cases >= 100, $"only {result.Cases} held-out visits");
        Assert.Equal(result.Cases, result.NewCases + result.RepeatCases);
        Assert.True(model.H10 > pop.H10 && model.Ndcg10 > pop.Ndcg10, $"model {model} vs pop {pop}");
        Assert.True(model.H10 > rep.H10 && model.Ndcg10 > rep.Ndcg10, $"model {model} vs rep {rep}");
    }

    [Theory]
    [InlineData(RankerObjective.Auto)]
    [InlineData(RankerObjective.Ranking)]
    public void Train_SameLogAndSeedTwice_WritesIdenticalBytesAndKeepsTheBestNdcgCandidate(RankerObjective objective)
    {
        var options = Small with { Trainer = RankerTrainerKind.Auto, Objective = objective };
        var first = _directory.File("first/ranker.onnx");
        var second = _directory.File("second/ranker.onnx");

        var result = new RankerTrainer(options, _replayer).Train(logs.TrainingLog, first, CancellationToken.None);
        new RankerTrainer(options, _replayer).Train(logs.TrainingLog, second, CancellationToken.None);

        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
        Assert.Equal(File.ReadAllBytes(ModelManifest.PathForModel(first)), File.ReadAllBytes(ModelManifest.PathForModel(second)));
        Assert.Equal([first, ModelManifest.PathForModel(first)], Directory.GetFiles(Path.GetDirectoryName(first)!).Order(StringComparer.Ordinal));
        Assert.Equal(RankerCandidate.All(objective, RankerTrainerKind.Auto), result.Validation.Keys);
        Assert.Equal(objective == RankerObjective.Auto ? 4 : 2, result.Validation.Count);

        // MaxBy keeps the first of equals, as the trainer does.
        var best = result.Validation.MaxBy(v => (v.Value.Ndcg10, v.Value.H10)).Key;
        Assert.Equal(best, result.Chosen);
        var metrics = result.Manifest.TrainedFrom.ValidationMetrics;
        foreach (var (candidate, scores) in result.Validation)
        {
            var key = candidate.Name.Replace('-', '_');
            Assert.Equal(scores.Ndcg10, metrics[$"{key}_ndcg10"]);
            Assert.Equal(scores.H10, metrics[$"{key}_h10"]);
        }

        Assert.Equal(result.Validation[best].Ndcg10, metrics["ndcg10"]);
        Assert.StartsWith(best.Trainer == RankerTrainerKind.FastTree ? "FastTree" : "LightGbm", result.Manifest.TrainedFrom.TrainerName, StringComparison.Ordinal);
        Assert.StartsWith(best.Name + "-", result.Manifest.ModelVersion, StringComparison.Ordinal);
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
