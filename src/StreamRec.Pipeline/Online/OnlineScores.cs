using System.Text.Json.Serialization;

namespace StreamRec.Pipeline.Online;

/// <summary>Ranking metrics of one ranker over a set of room entries (the offline <c>evaluate</c>'s definitions).</summary>
public sealed record OnlineScores
{
    [JsonPropertyName("h1")]
    public required double H1 { get; init; }

    [JsonPropertyName("h10")]
    public required double H10 { get; init; }

    [JsonPropertyName("ndcg10")]
    public required double Ndcg10 { get; init; }

    [JsonPropertyName("h10_new")]
    public required double H10NewStreamer { get; init; }

    [JsonPropertyName("h10_rep")]
    public required double H10RepeatStreamer { get; init; }
}
