using System.Text.Json.Serialization;

namespace StreamRec.Pipeline.Queries;

/// <summary>
/// A user's current list and why: each room's score when the list was ranked and the features behind it,
/// recomputed from the user's and the room's state at <see cref="At"/> (as Metarank's <c>explain</c> does).
/// </summary>
public sealed record UserExplanation
{
    [JsonPropertyName("user_id")]
    public required string UserId { get; init; }

    /// <summary>Event time the features are computed at (ms since the Unix epoch).</summary>
    [JsonPropertyName("at")]
    public required long At { get; init; }

    /// <summary>Event time the list was ranked at.</summary>
    [JsonPropertyName("ranked_at")]
    public required long RankedAt { get; init; }

    [JsonPropertyName("seq")]
    public required long Seq { get; init; }

    [JsonPropertyName("rooms")]
    public required IReadOnlyList<ExplainedRoom> Rooms { get; init; }
}
