namespace StreamRec.Contracts.Events;

/// <summary>A room went offline: it leaves every user's top-K.</summary>
public sealed record RoomStopEvent : RoomEvent;
