using System.Text.Json.Serialization;

namespace StreamRec.Pipeline.Queries;

/// <summary>One room of a <see cref="UserExplanation"/>; <see cref="Features"/> is empty for a room no longer known.</summary>
public sealed record ExplainedRoom
{
    [JsonPropertyName("rank")]
    public required int Rank { get; init; }

    [JsonPropertyName("room_id")]
    public required string RoomId { get; init; }

    [JsonPropertyName("streamer_id")]
    public string? StreamerId { get; init; }

    [JsonPropertyName("live")]
    public required bool Live { get; init; }

    [JsonPropertyName("score")]
    public required float Score { get; init; }

    /// <summary>Feature name to value, in the model's column order.</summary>
    [JsonPropertyName("features")]
    public required IReadOnlyDictionary<string, float> Features { get; init; }
}
