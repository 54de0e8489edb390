using System.Text.Json.Serialization;

namespace StreamRec.Contracts.Events;

/// <summary>A user commented in a live room.</summary>
public sealed record CommentEvent : UserEvent
{
    [JsonPropertyName("text")]
    public required string Text { get; init; }
}
