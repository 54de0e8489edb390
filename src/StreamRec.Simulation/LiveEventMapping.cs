using StreamRec.Contracts.Events;

namespace StreamRec.Simulation;

/// <summary>Logged world events as contract records, for callers that want objects rather than bytes.</summary>
internal static class LiveEventMapping
{
    public static LiveEvent ToLiveEvent(in WorldEvent e, long number, RoomTable rooms)
    {
        var id = WorldNames.Event(number);
        var roomId = WorldNames.Room(e.Room);
        var streamerId = WorldNames.Streamer(rooms.StreamerOf(e.Room));
        var category = Vocabulary.Categories[rooms.CategoryOf(e.Room)];
        return e.Kind switch
        {
            WorldEventKind.RoomStart => new RoomStartEvent
            {
                EventId = id, Ts = e.Ts, RoomId = roomId, StreamerId = streamerId,
                Category = category, Title = WorldNames.Title(category, WorldEventData.SessionNumber(e.Data)),
            },
            WorldEventKind.RoomUpdate => new RoomUpdateEvent
            {
                EventId = id, Ts = e.Ts, RoomId = roomId, StreamerId = streamerId,
                Title = $"{WorldNames.Title(category, WorldEventData.SessionNumber(e.Data))}: flash sale",
                Products = [WorldNames.Item(e.Room, WorldEventData.SessionProduct(e.Data))],
            },
            WorldEventKind.RoomStop => new RoomStopEvent { EventId = id, Ts = e.Ts, RoomId = roomId, StreamerId = streamerId },
            WorldEventKind.Click => new ClickEvent
            {
                EventId = id, Ts = e.Ts, UserId = WorldNames.Viewer(e.Subject), RoomId = roomId, StreamerId = streamerId,
            },
            WorldEventKind.Comment => new CommentEvent
            {
                EventId = id, Ts = e.Ts, UserId = WorldNames.Viewer(e.Subject), RoomId = roomId, StreamerId = streamerId,
                Text = Vocabulary.Comments[e.Data],
            },
            WorldEventKind.Purchase => new PurchaseEvent
            {
                EventId = id, Ts = e.Ts, UserId = WorldNames.Viewer(e.Subject), RoomId = roomId, StreamerId = streamerId,
                ItemId = WorldNames.Item(e.Room, WorldEventData.PurchaseItem(e.Data)),
                Price = 4.99m + WorldEventData.PurchasePriceStep(e.Data), Currency = "USD",
                Quantity = WorldEventData.PurchaseQuantity(e.Data),
            },
            _ => throw new InvalidOperationException($"{e.Kind} is never logged."),
        };
    }
}
