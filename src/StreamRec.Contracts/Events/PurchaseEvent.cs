using System.Text.Json.Serialization;

namespace StreamRec.Contracts.Events;

/// <summary>A user bought an item presented in a live room.</summary>
public sealed record PurchaseEvent : UserEvent
{
    [JsonPropertyName("item_id")]
    public required string ItemId { get; init; }

    [JsonPropertyName("price")]
    public required decimal Price { get; init; }

    [JsonPropertyName("currency")]
    public required string Currency { get; init; }

    [JsonPropertyName("quantity")]
    public required int Quantity { get; init; }
}
