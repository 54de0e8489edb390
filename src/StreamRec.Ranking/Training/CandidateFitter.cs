using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace StreamRec.Ranking.Training;

/// <summary>
/// Fits one candidate on the training rows. Every candidate gets the same tree budget (trees, leaves, minimum leaf
/// size), so the objective choice never changes the cost of scoring; only the learning rate is the objective's own. Single-threaded and seeded, so
/// the same rows give the same trees.
/// </summary>
internal static class CandidateFitter
{
    public static (ITransformer Model, string Description) Fit(MLContext ml, IDataView data, RankerCandidate candidate, RankerTrainingOptions options)
    {
        var learningRate = candidate.Objective == RankerObjective.Ranking ? options.RankingLearningRate : options.LearningRate;
        var size = $"leaves={options.Leaves}, minLeaf={options.MinExamplesPerLeaf}, lr={learningRate.ToString(CultureInfo.InvariantCulture)}";
        return (candidate.Objective, candidate.Trainer) switch
        {
            (RankerObjective.Binary, RankerTrainerKind.FastTree) => (
                ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
                {
                    ExampleWeightColumnName = nameof(TrainingExample.Weight),
                    NumberOfTrees = options.Trees,
                    NumberOfLeaves = options.Leaves,
                    MinimumExampleCountPerLeaf = options.MinExamplesPerLeaf,
                    LearningRate = learningRate,
                    NumberOfThreads = 1,
                }).Fit(data),
                $"FastTreeBinary(trees={options.Trees}, {size})"),
            (RankerObjective.Binary, RankerTrainerKind.LightGbm) => (
                ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
                {
                    ExampleWeightColumnName = nameof(TrainingExample.Weight),
                    NumberOfIterations = options.Trees,
                    NumberOfLeaves = options.Leaves,
                    MinimumExampleCountPerLeaf = options.MinExamplesPerLeaf,
                    LearningRate = learningRate,
                    NumberOfThreads = 1,
                    Seed = options.Seed,
                    Verbose = false,
                    Silent = true,
                }).Fit(data),
                $"LightGbmBinary(iterations={options.Trees}, {size})"),

            // Graded relevance replaces the binary objective's weights: LambdaMART weighs a swap by its NDCG change.
            (RankerObjective.Ranking, RankerTrainerKind.FastTree) => (
                ml.Ranking.Trainers.FastTree(new FastTreeRankingTrainer.Options
                {
                    LabelColumnName = nameof(TrainingExample.Relevance),
                    RowGroupColumnName = nameof(TrainingExample.GroupId),
                    NumberOfTrees = options.Trees,
                    NumberOfLeaves = options.Leaves,
                    MinimumExampleCountPerLeaf = options.MinExamplesPerLeaf,
                    LearningRate = learningRate,
                    NumberOfThreads = 1,
                }).Fit(data),
                $"FastTreeRanking(LambdaMART, trees={options.Trees}, {size})"),
            (RankerObjective.Ranking, RankerTrainerKind.LightGbm) => (
                ml.Ranking.Trainers.LightGbm(new LightGbmRankingTrainer.Options
                {
                    LabelColumnName = nameof(TrainingExample.Relevance),
                    RowGroupColumnName = nameof(TrainingExample.GroupId),
                    NumberOfIterations = options.Trees,
                    NumberOfLeaves = options.Leaves,
                    MinimumExampleCountPerLeaf = options.MinExamplesPerLeaf,
                    LearningRate = learningRate,
                    NumberOfThreads = 1,
                    Seed = options.Seed,
                    Verbose = false,
                    Silent = true,
                }).Fit(data),
                $"LightGbmRanking(LambdaMART, iterations={options.Trees}, {size})"),
            _ => throw new ArgumentOutOfRangeException(nameof(candidate), candidate, "Not a trainable candidate."),
        };
    }
}
