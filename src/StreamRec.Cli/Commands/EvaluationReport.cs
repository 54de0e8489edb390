using System.Text.Json.Serialization;
using StreamRec.Ranking.Evaluation;

namespace StreamRec.Cli.Commands;

/// <summary>What <c>streamrec evaluate --json</c> prints: every method on the same held-out visits.</summary>
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
    /// <summary>Per method: coverage of the live rooms by its top 10s and the Gini of impressions across streamers.</summary>
    [JsonPropertyName("exposure")]
    public IReadOnlyDictionary<string, ExposureScores>? Exposure { get; init; }

    /// <summary>The diversity re-rank applied to every method's top 10.</summary>
    [JsonPropertyName("diversity")]
    public DiversityReport? Diversity { get; init; }
}
