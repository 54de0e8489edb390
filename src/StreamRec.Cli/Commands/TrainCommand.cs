using System.CommandLine;
using Microsoft.Extensions.Logging;
using System.Text.Json;
using StreamRec.Cli.Console;
using StreamRec.Pipeline.Options;
using StreamRec.Ranking.Offline;
using StreamRec.Ranking.Training;

namespace StreamRec.Cli.Commands;

/// <summary><c>streamrec train</c>: learns the ranking model from an event log and writes it as ONNX with its manifest.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo>("--input") { Description = "Event log (JSON lines, optionally .gz).", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the ONNX model (its manifest goes next to it).", Required = true };
        var trainer = new Option<string>("--trainer")
        {
            Description = "Tree trainer: fasttree, lightgbm, or auto (both, keep the better on validation NDCG@10).",
            DefaultValueFactory = _ => "auto",
        }.AcceptOnlyFromAmong("auto", "fasttree", "lightgbm");
        var objective = new Option<string>("--objective")
        {
            Description = "Objective: binary (clicked or not), ranking (LambdaMART per visit), or auto (both, keep the better on validation NDCG@10).",
            DefaultValueFactory = _ => "auto",
        }.AcceptOnlyFromAmong("auto", "binary", "ranking");
        var seed = new Option<int>("--seed") { Description = "Seed of negative sampling and trainers.", DefaultValueFactory = _ => 7 };
        var negatives = new Option<int>("--negatives") { Description = "Live rooms not clicked sampled per training visit.", DefaultValueFactory = _ => 60 };
        var validation = new Option<double>("--validation") { Description = "Fraction of the timeline, at its end, used for validation.", DefaultValueFactory = _ => 0.2 };
        var defaults = new RankerTrainingOptions();
        var trees = new Option<int>("--trees") { Description = "Boosting rounds (trees).", DefaultValueFactory = _ => defaults.Trees };
        var leaves = new Option<int>("--leaves") { Description = "Leaves per tree.", DefaultValueFactory = _ => defaults.Leaves };
        var learningRate = new Option<double>("--learning-rate") { Description = "Shrinkage of each tree, binary objective.", DefaultValueFactory = _ => defaults.LearningRate };
        var rankingLearningRate = new Option<double>("--ranking-learning-rate")
        {
            Description = "Shrinkage of each tree, ranking objective.",
            DefaultValueFactory = _ => defaults.RankingLearningRate,
        };
        var engaged = new Option<int>("--engaged-relevance")
        {
            Description = "Ranking objective's grade of a clicked room whose visit led to comments or purchases (a click alone is 1).",
            DefaultValueFactory = _ => defaults.EngagedRelevance,
        };
        var version = new Option<string?>("--model-version") { Description = "Version for the manifest (default: trainer, data date and model hash)." };
        var command = new Command("train", "Train the ranking model on an event log and write it as ONNX with its manifest.")
        {
            input, output, objective, trainer, seed, negatives, validation, trees, leaves, learningRate, rankingLearningRate, engaged, version,
        };
        command.SetAction((result, cancellationToken) =>
        {
            var options = new RankerTrainingOptions
            {
                Trainer = result.GetValue(trainer) switch
                {
                    "fasttree" => RankerTrainerKind.FastTree,
                    "lightgbm" => RankerTrainerKind.LightGbm,
                    _ => RankerTrainerKind.Auto,
                },
                Objective = result.GetValue(objective) switch
                {
                    "binary" => RankerObjective.Binary,
                    "ranking" => RankerObjective.Ranking,
                    _ => RankerObjective.Auto,
                },
                Seed = result.GetValue(seed),
                NegativesPerPositive = result.GetValue(negatives),
                ValidationFraction = result.GetValue(validation),
                Trees = result.GetValue(trees),
                Leaves = result.GetValue(leaves),
                LearningRate = result.GetValue(learningRate),
                RankingLearningRate = result.GetValue(rankingLearningRate),
                EngagedRelevance = result.GetValue(engaged),
                ModelVersion = result.GetValue(version),
            };
            return Task.Run(() => Run(result.GetRequiredValue(input).FullName, result.GetRequiredValue(output).FullName, options, cancellationToken), cancellationToken);
        });
        return command;
    }

    private static int Run(string input, string output, RankerTrainingOptions options, CancellationToken cancellationToken)
    {
        using var loggers = StderrLogging.Create();
        RankerTrainingResult result;
        try
        {
            var replayer = new InteractionReplayer(new PipelineOptions(), TimeProvider.System);
            result = new RankerTrainer(options, replayer, loggers.CreateLogger<RankerTrainer>()).Train(input, output, cancellationToken);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidDataException)
        {
            System.Console.Error.WriteLine($"train: {ex.Message}");
            return 2;
        }

        var report = new TrainingReport(
            result.ModelPath,
            result.Manifest.ModelVersion,
            result.Chosen.Objective.ToString().ToLowerInvariant(),
            result.Chosen.Trainer.ToString().ToLowerInvariant(),
            result.TrainingCases,
            result.Manifest.TrainedFrom.TrainingRows,
            result.ValidationCases,
            result.Validation.ToDictionary(v => v.Key.Name, v => v.Value));
        System.Console.WriteLine(JsonSerializer.Serialize(report, RankingJson.Default.TrainingReport));
        return 0;
    }
}
