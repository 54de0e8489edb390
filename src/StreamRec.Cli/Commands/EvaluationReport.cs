using System.Text.Json.Serialization;
using StreamRec.Ranking.Evaluation;

namespace StreamRec.Cli.Commands;

/// <summary>
/// What <c>streamrec evaluate --json</c> prints: every method on the same held-out visits. With <c>--truth</c>, those
/// visits are the ones with a truth record, and the oracle, each method's fraction of it and the coverage are added
/// (null without it).
/// </summary>
internal sealed record EvaluationReport(
    [property: JsonPropertyName("cases")] long Cases,
    [property: JsonPropertyName("model")] RankingScores Model,
    [property: JsonPropertyName("pop")] RankingScores Pop,
    [property: JsonPropertyName("rep")] RankingScores Rep,
    [property: JsonPropertyName("baseline")] RankingScores Baseline,
    [property: JsonPropertyName("cases_new")] long CasesNew,
    [property: JsonPropertyName("cases_rep")] long CasesRep,
    [property: JsonPropertyName("model_version")] string ModelVersion,
    [property: JsonPropertyName("model_retrieval")] RankingScores ModelRetrieval,
    [property: JsonPropertyName("retrieval_recall")] double RetrievalRecall)
{
    [JsonPropertyName("cases_drift")]
    public long CasesDrift { get; init; }

    [JsonPropertyName("oracle")]
    public RankingScores? Oracle { get; init; }

    /// <summary>Each method's fraction of the oracle, by method name (<c>model</c>, <c>pop</c>, <c>rep</c>, <c>baseline</c>, ...).</summary>
    [JsonPropertyName("oracle_fraction")]
    public IReadOnlyDictionary<string, OracleFraction>? OracleFraction { get; init; }

    /// <summary>Share of the held-out visits that had a truth record.</summary>
    [JsonPropertyName("truth_coverage")]
    public double? TruthCoverage { get; init; }

    /// <summary>Held-out visits before keeping only those with a truth record.</summary>
    [JsonPropertyName("cases_before_truth")]
    public long? CasesBeforeTruth { get; init; }

    /// <summary>Per method: coverage of the live rooms by its top 10s and the Gini of impressions across streamers.</summary>
    [JsonPropertyName("exposure")]
    public IReadOnlyDictionary<string, ExposureScores>? Exposure { get; init; }

    /// <summary>The diversity re-rank applied to every method's top 10.</summary>
    [JsonPropertyName("diversity")]
    public DiversityReport? Diversity { get; init; }
}
