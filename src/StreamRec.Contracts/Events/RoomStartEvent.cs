using System.Text.Json.Serialization;

namespace StreamRec.Contracts.Events;

/// <summary>A room went live: from now on it is a recommendation candidate.</summary>
public sealed record RoomStartEvent : RoomEvent
{
    [JsonPropertyName("category")]
    public required string Category { get; init; }

    [JsonPropertyName("title")]
    public required string Title { get; init; }
}
