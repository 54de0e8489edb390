using System.CommandLine;
using Microsoft.Extensions.Logging;
using System.Globalization;
using System.Text.Json;
using StreamRec.Cli.Console;
using StreamRec.Model.Manifest;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;
using StreamRec.Ranking.Evaluation;
using StreamRec.Ranking.Offline;
using StreamRec.Ranking.Serving;

namespace StreamRec.Cli.Commands;

/// <summary>
/// <c>streamrec evaluate</c>: ranks the held-out end of a log's timeline with the model, POP, REP and the baseline,
/// each visit's candidates being the rooms live at that moment (Rappaz, McAuley and Aberer, RecSys 2021).
/// </summary>
internal static class EvaluateCommand
{
    private const string ModelMethod = "model";
    private const string BaselineMethod = "baseline";

    public static Command Create()
    {
        var input = new Option<FileInfo>("--input") { Description = "Event log (JSON lines, optionally .gz).", Required = true };
        var model = new Option<FileInfo?>("--model") { Description = "ONNX ranking model (default: the model shipped with streamrec)." };
        var holdout = new Option<double>("--holdout") { Description = "Fraction of the timeline, at its end, whose visits are the test cases.", DefaultValueFactory = _ => 0.2 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var shortlist = new Option<int>("--shortlist")
        {
            Description = "Candidates the baseline shortlists for the model, as the pipeline serves it; 0 lets the model rank every live room.",
            DefaultValueFactory = _ => new PipelineOptions().ModelShortlist,
        };
        var truth = new Option<FileInfo?>("--truth")
        {
            Description = "The simulator's truth for the log (simulate --truth): adds the oracle, each method's fraction of it and H@10 after a taste drift, on the visits with a truth record only.",
        };
        var maxPerCategory = new Option<int>("--max-per-category")
        {
            Description = "Re-rank every method's top 10 as Pipeline:Diversity does: at most this many rooms per category (0: no cap).",
        };
        var minExposureShare = new Option<double>("--min-exposure-share")
        {
            Description = "Re-rank every method's top 10: at least this share of its slots for streamers new to the user (or quiet rooms, see --low-popularity).",
        };
        var lowPopularity = new Option<double>("--low-popularity")
        {
            Description = "With --min-exposure-share: rooms whose decayed popularity is below this count as exposure rooms too (0: only new streamers).",
        };
        var command = new Command("evaluate", "Evaluate the ranking model against POP, REP and the baseline on the end of a log.")
        {
            input, model, holdout, json, shortlist, truth, maxPerCategory, minExposureShare, lowPopularity,
        };
        command.SetAction((result, cancellationToken) => Task.Run(
            () => Run(
                result.GetRequiredValue(input).FullName,
                result.GetValue(model)?.FullName ?? ScorerOptions.DefaultModelPath,
                result.GetValue(holdout),
                result.GetValue(json),
                result.GetValue(shortlist),
                result.GetValue(truth)?.FullName,
                new DiversityOptions
                {
                    MaxPerCategory = result.GetValue(maxPerCategory), MinExposureShare = result.GetValue(minExposureShare), LowPopularity = result.GetValue(lowPopularity),
                },
                cancellationToken),
            cancellationToken));
        return command;
    }

    private static int Run(string input, string modelPath, double holdout, bool json, int shortlist, string? truthPath, DiversityOptions diversity, CancellationToken cancellationToken)
    {
        using var loggers = StderrLogging.Create(LogLevel.Warning);
        EvaluationResult result;
        string version;
        try
        {
            new PipelineOptions { Diversity = diversity }.Validate();
            using var model = new OnnxScorer(modelPath, new OnnxScorerOptions { WatchFileSystem = false }, TimeProvider.System, loggers.CreateLogger<OnnxScorer>());
            version = model.Manifest.ModelVersion;
            var replayer = new InteractionReplayer(new PipelineOptions(), TimeProvider.System);
            IScorer served = shortlist > 0 ? new ShortlistScorer(model, shortlist) : model;
            var truth = truthPath is null ? null : TruthFile.Load(truthPath, cancellationToken);
            result = HoldoutEvaluation.Run(replayer, input, holdout, [(ModelMethod, served), (BaselineMethod, new BaselineScorer())], truth, cancellationToken, diversity);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidDataException or ModelManifestMismatchException or UnauthorizedAccessException)
        {
            System.Console.Error.WriteLine($"evaluate: {ex.Message}");
            return 2;
        }

        string[] methods =
        [
            ModelMethod, ModelMethod + RankingEvaluator.RetrievalSuffix, RankingEvaluator.Popularity, RankingEvaluator.Recency,
            BaselineMethod, BaselineMethod + RankingEvaluator.RetrievalSuffix,
        ];
        var oracle = result.Methods.GetValueOrDefault(RankingEvaluator.Oracle);
        if (json)
        {
            var report = new EvaluationReport(
                result.Cases, result.Methods[ModelMethod], result.Methods[RankingEvaluator.Popularity], result.Methods[RankingEvaluator.Recency],
                result.Methods[BaselineMethod], result.NewCases, result.RepeatCases, version,
                result.Methods[ModelMethod + RankingEvaluator.RetrievalSuffix], result.RetrievalRecall)
            {
                CasesDrift = result.DriftCases,
                Oracle = oracle,
                OracleFraction = oracle is null ? null : methods.ToDictionary(m => m, m => OracleFraction.Of(result.Methods[m], oracle)),
                TruthCoverage = result.TruthCoverage,
                CasesBeforeTruth = result.CasesBeforeTruth,
                Exposure = result.Exposure,
                Diversity = new DiversityReport(diversity.MaxPerCategory, diversity.MinExposureShare, diversity.LowPopularity),
            };
            System.Console.WriteLine(JsonSerializer.Serialize(report, RankingJson.Default.EvaluationReport));
            return 0;
        }

        System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.Cases} held-out visits (last {holdout:P0} of the timeline): {result.NewCases} to new streamers, {result.RepeatCases} repeat; model {version}"));
        if (result.CasesBeforeTruth is { } before)
        {
            System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"truth: {result.Cases} of {before} visits have a truth record (coverage {result.TruthCoverage:P1}); every method is measured on those only; {result.DriftCases} after a taste drift"));
        }

        System.Console.WriteLine($"{"method",-20}{"H@1",9}{"H@10",9}{"NDCG@10",9}{"H@10 new",10}{"H@10 rep",10}{"H@10 drift",11}");
        foreach (var method in oracle is null ? methods : [RankingEvaluator.Oracle, .. methods])
        {
            var s = result.Methods[method];
            System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{method,-20}{s.H1,9:F4}{s.H10,9:F4}{s.Ndcg10,9:F4}{s.H10NewStreamer,10:F4}{s.H10RepeatStreamer,10:F4}{s.H10AfterDrift,11:F4}"));
        }

        if (oracle is not null)
        {
            System.Console.WriteLine($"{"fraction of oracle",-20}{"H@10",9}{"NDCG@10",9}{"H@10 new",10}");
            foreach (var method in methods)
            {
                var f = OracleFraction.Of(result.Methods[method], oracle);
                System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{method,-20}{f.H10,9:F3}{f.Ndcg10,9:F3}{f.H10NewStreamer,10:F3}"));
            }
        }

        System.Console.WriteLine(diversity.Enabled
            ? string.Create(CultureInfo.InvariantCulture, $"exposure of the top 10s, re-ranked: at most {diversity.MaxPerCategory} per category (0: no cap), at least {diversity.MinExposureShare:P0} new streamers or rooms below popularity {diversity.LowPopularity}")
            : "exposure of the top 10s (no diversity re-rank)");
        System.Console.WriteLine($"{"method",-20}{"coverage",10}{"Gini",9}{"shown",8}{"live",8}");
        foreach (var method in methods)
        {
            var e = result.Exposure[method];
            System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{method,-20}{e.Coverage,10:F4}{e.Gini,9:F4}{e.RoomsShown,8}{e.RoomsLive,8}"));
        }

        System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"retrieval recall (chosen room among the {new PipelineOptions().Retrieval.MaxCandidates} candidates retrieved): {result.RetrievalRecall:F4}"));

        return 0;
    }
}
