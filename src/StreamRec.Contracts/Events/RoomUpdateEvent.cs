using System.Text.Json.Serialization;

namespace StreamRec.Contracts.Events;

/// <summary>A live room changed its category, title or product line-up; absent fields are unchanged.</summary>
public sealed record RoomUpdateEvent : RoomEvent
{
    [JsonPropertyName("category")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Category { get; init; }

    [JsonPropertyName("title")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Title { get; init; }

    [JsonPropertyName("products")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Products { get; init; }
}
