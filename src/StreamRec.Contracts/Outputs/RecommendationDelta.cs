using System.Text.Json.Serialization;

namespace StreamRec.Contracts.Outputs;

/// <summary>
/// What changed in one user's top-K. <see cref="Top"/> is always the complete new list, so applying a
/// delta is idempotent: a consumer keeps the highest <see cref="Seq"/> per user and skips older ones.
/// </summary>
public sealed record RecommendationDelta
{
    [JsonPropertyName("user_id")]
    public required string UserId { get; init; }

    /// <summary>Strictly increasing per user, starting at 1.</summary>
    [JsonPropertyName("seq")]
    public required long Seq { get; init; }

    /// <summary>Event time at which the list was computed: every room in it was live then.</summary>
    [JsonPropertyName("ts")]
    public required long Ts { get; init; }

    [JsonPropertyName("top")]
    public required IReadOnlyList<RankedRoom> Top { get; init; }

    [JsonPropertyName("added")]
    public required IReadOnlyList<string> Added { get; init; }

    [JsonPropertyName("removed")]
    public required IReadOnlyList<string> Removed { get; init; }
}
