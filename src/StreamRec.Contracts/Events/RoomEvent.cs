using System.Text.Json.Serialization;

namespace StreamRec.Contracts.Events;

/// <summary>A change in a room's availability or description; keyed by <see cref="RoomId"/> on Kafka.</summary>
public abstract record RoomEvent : LiveEvent
{
    [JsonPropertyName("room_id")]
    public required string RoomId { get; init; }

    [JsonPropertyName("streamer_id")]
    public required string StreamerId { get; init; }
}
