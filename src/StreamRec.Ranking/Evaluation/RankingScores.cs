using System.Text.Json.Serialization;

namespace StreamRec.Ranking.Evaluation;

/// <summary>
/// Ranking quality over a set of cases (one relevant room each): hit rates at 1 and 10, NDCG at 10, and the hit rate
/// at 10 split into cases where the user had never engaged the streamer (new) and had (rep).
/// </summary>
public sealed record RankingScores(
    [property: JsonPropertyName("h1")] double H1,
    [property: JsonPropertyName("h10")] double H10,
    [property: JsonPropertyName("ndcg10")] double Ndcg10,
    [property: JsonPropertyName("h10_new")] double H10NewStreamer,
    [property: JsonPropertyName("h10_rep")] double H10RepeatStreamer);
