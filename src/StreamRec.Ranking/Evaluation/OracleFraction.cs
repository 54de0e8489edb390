using System.Text.Json.Serialization;

namespace StreamRec.Ranking.Evaluation;

/// <summary>A method's share of the oracle's H@10, NDCG@10 and H@10 on new streamers (0 where the oracle has 0).</summary>
public sealed record OracleFraction(
    [property: JsonPropertyName("h10")] double H10,
    [property: JsonPropertyName("ndcg10")] double Ndcg10,
    [property: JsonPropertyName("h10_new")] double H10NewStreamer)
{
    public static OracleFraction Of(RankingScores method, RankingScores oracle)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(oracle);
        return new(Ratio(method.H10, oracle.H10), Ratio(method.Ndcg10, oracle.Ndcg10), Ratio(method.H10NewStreamer, oracle.H10NewStreamer));
    }

    private static double Ratio(double value, double ceiling) => ceiling > 0 ? value / ceiling : 0;
}
