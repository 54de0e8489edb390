using System.Text.Json.Serialization;

namespace StreamRec.Contracts.Events;

/// <summary>
/// A request to forget a user (privacy): everything stored about the user is deleted, and the user's list
/// is withdrawn. Keyed by <see cref="UserId"/>, co-partitioned with the user topics.
/// </summary>
public sealed record UserForgetEvent : LiveEvent
{
    [JsonPropertyName("user_id")]
    public required string UserId { get; init; }
}
