using System.Text.Json.Serialization;

namespace StreamRec.Contracts.Events;

/// <summary>An engagement of a user with a live room; keyed by <see cref="UserId"/> on Kafka.</summary>
public abstract record UserEvent : LiveEvent
{
    [JsonPropertyName("user_id")]
    public required string UserId { get; init; }

    [JsonPropertyName("room_id")]
    public required string RoomId { get; init; }

    [JsonPropertyName("streamer_id")]
    public required string StreamerId { get; init; }
}
