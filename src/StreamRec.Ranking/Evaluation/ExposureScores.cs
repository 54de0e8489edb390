using System.Text.Json.Serialization;

namespace StreamRec.Ranking.Evaluation;

/// <summary>
/// What a method's lists expose over the held-out cases: the share of the rooms live during them that reached any
/// top 10 (coverage), and how unequally top-10 appearances fall on streamers (Gini: 0 equal, toward 1 a few take all).
/// </summary>
public sealed record ExposureScores(
    [property: JsonPropertyName("coverage")] double Coverage,
    [property: JsonPropertyName("gini")] double Gini,
    [property: JsonPropertyName("rooms_shown")] long RoomsShown,
    [property: JsonPropertyName("rooms_live")] long RoomsLive);
