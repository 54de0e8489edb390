using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML;
using Microsoft.ML.Data;
using StreamRec.Model.Export;
using StreamRec.Model.Manifest;
using StreamRec.Model.Scoring;
using StreamRec.Pipeline.Features;
using StreamRec.Ranking.Evaluation;
using StreamRec.Ranking.Offline;

namespace StreamRec.Ranking.Training;

/// <summary>
/// Trains the ranking model from an event log: replays it through <see cref="InteractionReplayer"/> (the pipeline's own
/// state and features), learns from the earlier part of the timeline with gradient-boosted trees (clicked versus
/// live-not-clicked rows, or LambdaMART over each visit's rows), ranks the later part's visits through each candidate's
/// exported ONNX model to choose and describe the model, and writes the model with its manifest.
/// </summary>
/// <remarks>
/// Deterministic: single-threaded trainers with fixed seeds, seeded negative sampling, and a version derived from the
/// data rather than the clock, so the same log and options give the same bytes.
/// </remarks>
public sealed class RankerTrainer(RankerTrainingOptions options, InteractionReplayer replayer, ILogger<RankerTrainer>? logger = null)
{
    private readonly RankerTrainingOptions _options = options.Validate();
    private readonly ILogger _logger = logger ?? NullLogger<RankerTrainer>.Instance;

    /// <summary>Trains on <paramref name="logPath"/> and writes <paramref name="modelPath"/> and its manifest.</summary>
    /// <exception cref="InvalidDataException">The log has too few visits on one side of the split to train or validate.</exception>
    public RankerTrainingResult Train(string logPath, string modelPath, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(logPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        modelPath = Path.GetFullPath(modelPath);
        Directory.CreateDirectory(Path.GetDirectoryName(modelPath)!);

        var range = replayer.ScanTimeRange(logPath, cancellationToken);
        var split = range.SplitAt(_options.ValidationFraction);
        var builder = new TrainingSetBuilder(split, _options);
        var replay = replayer.Replay(logPath, long.MinValue, builder, cancellationToken);
        var splitTime = DateTimeOffset.FromUnixTimeMilliseconds(split);
        RankingLog.TrainingSetBuilt(_logger, replay.Events, builder.TrainingCases, builder.Examples.Count, splitTime, builder.Validation.Cases);
        if (builder.TrainingCases < 10 || builder.Validation.Cases < 1)
        {
            throw new InvalidDataException(
                $"Log '{logPath}' has {builder.TrainingCases} training and {builder.Validation.Cases} validation visits; " +
                "at least 10 and 1 are needed. Use a longer log.");
        }

        var ml = new MLContext(_options.Seed);
        var schema = SchemaDefinition.Create(typeof(TrainingExample));
        schema[nameof(TrainingExample.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, FeatureExtractor.Count);
        schema[nameof(TrainingExample.GroupId)].ColumnType = new KeyDataViewType(typeof(uint), (ulong)builder.TrainingCases);
        var data = ml.Data.LoadFromEnumerable(builder.Examples, schema);

        var candidates = new List<Candidate>();
        try
        {
            foreach (var candidate in RankerCandidate.All(_options.Objective, _options.Trainer))
            {
                cancellationToken.ThrowIfCancellationRequested();
                candidates.Add(Fit(ml, data, candidate, modelPath, builder.Validation));
            }

            // Best NDCG@10 wins (it rewards the clicked room ranked higher, not just inside the ten), then H@10; on a
            // tie the first tried stays (binary before ranking, FastTree before LightGBM).
            var best = candidates.OrderByDescending(c => c.Scores.Ndcg10).ThenByDescending(c => c.Scores.H10).First();
            var manifest = Describe(best, builder, candidates);
            Write(best, manifest, modelPath);
            RankingLog.ModelWritten(_logger, best.Name, manifest.ModelVersion, modelPath);
            return new RankerTrainingResult(
                modelPath, manifest, best.Name, candidates.ToDictionary(c => c.Name, c => c.Scores), builder.TrainingCases, builder.Validation.Cases);
        }
        finally
        {
            foreach (var candidate in candidates)
            {
                File.Delete(candidate.Path);
                File.Delete(ModelManifest.PathForModel(candidate.Path));
            }
        }
    }

    private Candidate Fit(MLContext ml, IDataView data, RankerCandidate name, string modelPath, ValidationSet validation)
    {
        var stopwatch = Stopwatch.StartNew();
        var path = $"{modelPath}.{name.Name}.candidate";
        var (model, description) = CandidateFitter.Fit(ml, data, name, _options);
        var provisional = new ModelManifest(
            FeatureExtractor.FeatureNames, "candidate", new ModelTrainingSummary(0, 0, default, default, description, new Dictionary<string, double>()));
        var exporter = new OnnxRankerExporter("streamrec-train");

        // The whole fitted transformer, not just its trees: ML.NET's converter exports it as ML.NET evaluates it.
        void Export(ModelManifest manifest, Stream stream) => exporter.Export(model, manifest, stream);
        using (var stream = File.Create(path))
        {
            Export(provisional, stream);
        }

        provisional.SaveForModel(path);
        string hash;
        using (var stream = File.OpenRead(path))
        {
            hash = Convert.ToHexStringLower(SHA256.HashData(stream))[..12];
        }

        // Validate what will be served: the exported ONNX graph under ONNX Runtime, not the ML.NET model.
        RankingScores scores;
        double auc;
        using (var scorer = new OnnxBatchScorer(path, FeatureExtractor.FeatureNames))
        {
            (scores, auc) = validation.Evaluate(new BatchScorerAdapter(scorer));
        }

        var elapsed = stopwatch.Elapsed;
        RankingLog.TrainerValidated(_logger, name, elapsed, scores.H1, scores.H10, scores.Ndcg10);
        return new Candidate(name, path, Export, description, hash, scores, auc);
    }

    private ModelManifest Describe(Candidate best, TrainingSetBuilder builder, List<Candidate> candidates)
    {
        var windowStart = DateTimeOffset.FromUnixTimeMilliseconds(builder.FirstTrainingTs);
        var windowEnd = DateTimeOffset.FromUnixTimeMilliseconds(builder.LastTrainingTs);
        var version = _options.ModelVersion
            ?? $"{best.Name.Name}-{windowEnd.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}-{best.Hash}";
        var metrics = new Dictionary<string, double>
        {
            ["validation_cases"] = builder.Validation.Cases,
            ["training_cases"] = builder.TrainingCases,
            ["negatives_per_positive"] = _options.NegativesPerPositive,
            ["seed"] = _options.Seed,
            ["h1"] = best.Scores.H1,
            ["h10"] = best.Scores.H10,
            ["ndcg10"] = best.Scores.Ndcg10,
            ["h10_new"] = best.Scores.H10NewStreamer,
            ["h10_rep"] = best.Scores.H10RepeatStreamer,
            ["auc"] = best.Auc,
        };
        // Every candidate's figures, the kept one's included, so the manifest shows what the choice was made between.
        foreach (var candidate in candidates)
        {
            var key = candidate.Name.Name.Replace('-', '_');
            metrics[$"{key}_h10"] = candidate.Scores.H10;
            metrics[$"{key}_ndcg10"] = candidate.Scores.Ndcg10;
        }

        return new ModelManifest(
            FeatureExtractor.FeatureNames,
            version,
            new ModelTrainingSummary(
                builder.Examples.Count, builder.TrainingCases, windowStart, windowEnd, best.Description, metrics));
    }

    /// <summary>
    /// Writes both files under temporary names and renames them into place, so a scorer watching the model never reads
    /// a half-written file (it may briefly see a new manifest with the old model, which it recognises and waits out).
    /// </summary>
    private static void Write(Candidate best, ModelManifest manifest, string modelPath)
    {
        var manifestPath = ModelManifest.PathForModel(modelPath);
        var modelTemp = modelPath + ".tmp";
        var manifestTemp = manifestPath + ".tmp";
        using (var stream = File.Create(modelTemp))
        {
            best.Export(manifest, stream);
        }

        manifest.Save(manifestTemp);
        File.Move(manifestTemp, manifestPath, overwrite: true);
        File.Move(modelTemp, modelPath, overwrite: true);
    }

    private sealed record Candidate(
        RankerCandidate Name, string Path, Action<ModelManifest, Stream> Export, string Description, string Hash, RankingScores Scores, double Auc);
}
