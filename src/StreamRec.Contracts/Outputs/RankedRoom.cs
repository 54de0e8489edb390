using System.Text.Json.Serialization;

namespace StreamRec.Contracts.Outputs;

/// <summary>One entry of a user's top-K: rank 1 is the best.</summary>
public readonly record struct RankedRoom(
    [property: JsonPropertyName("room_id")] string RoomId,
    [property: JsonPropertyName("rank")] int Rank,
    [property: JsonPropertyName("score")] double Score)
{
    /// <summary>The top contributing features, largest effect first; null (and not written) unless explanations are on.</summary>
    [JsonPropertyName("why")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<FeatureContribution>? Why { get; init; }
}
