using System.Text.Json.Serialization;

namespace StreamRec.Contracts.Events;

/// <summary>
/// One live-commerce event as it appears on the wire: a JSON object whose <c>type</c> names the kind.
/// Field names are fixed by the schemas in <c>schemas/</c>; optional fields may be added, never renamed.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(ClickEvent), "click")]
[JsonDerivedType(typeof(CommentEvent), "comment")]
[JsonDerivedType(typeof(PurchaseEvent), "purchase")]
[JsonDerivedType(typeof(RoomStartEvent), "room_start")]
[JsonDerivedType(typeof(RoomStopEvent), "room_stop")]
[JsonDerivedType(typeof(RoomUpdateEvent), "room_update")]
[JsonDerivedType(typeof(UserForgetEvent), "user_forget")]
public abstract record LiveEvent
{
    /// <summary>Producer-assigned id, unique per event; used for de-duplication downstream.</summary>
    [JsonPropertyName("event_id")]
    public required string EventId { get; init; }

    /// <summary>Event time in milliseconds since the Unix epoch. Drives decay and windows.</summary>
    [JsonPropertyName("ts")]
    public required long Ts { get; init; }
}
