using System.Text.Json.Serialization;

namespace StreamRec.Contracts.Outputs;

/// <summary>
/// What changed in one user's top-K. <see cref="Top"/> is always the complete new list, so applying a
/// delta is idempotent: a consumer keeps the highest <see cref="Seq"/> per user and skips older ones.
/// A delta with <see cref="Forgotten"/> set withdraws the user (a <c>user_forget</c>): the consumer deletes
/// what it holds for the user, its highest <see cref="Seq"/> included, since a returning user starts at 1.
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

    /// <summary>True when the user was forgotten: <see cref="Top"/> is empty and nothing about the user is kept.</summary>
    [JsonPropertyName("forgotten")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Forgotten { get; init; }
}
