using System.Text.Json.Serialization;

namespace StreamRec.Ranking.Evaluation;

/// <summary>
/// Ranking quality over a set of cases (one relevant room each): hit rates at 1 and 10, NDCG at 10, and the hit rate
/// at 10 split into cases where the user had never engaged the streamer (new) and had (rep), and (with the
/// simulator's truth) over the cases whose user's taste had drifted.
/// </summary>
public sealed record RankingScores(
    [property: JsonPropertyName("h1")] double H1,
    [property: JsonPropertyName("h10")] double H10,
    [property: JsonPropertyName("ndcg10")] double Ndcg10,
    [property: JsonPropertyName("h10_new")] double H10NewStreamer,
    [property: JsonPropertyName("h10_rep")] double H10RepeatStreamer)
{
    /// <summary>H@10 over the cases after the user's taste drifted; 0 when none is known to have.</summary>
    [JsonPropertyName("h10_drift")]
    public double H10AfterDrift { get; init; }
}
