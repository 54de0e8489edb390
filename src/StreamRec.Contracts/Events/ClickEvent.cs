namespace StreamRec.Contracts.Events;

/// <summary>A user clicked into (or inside) a live room.</summary>
public sealed record ClickEvent : UserEvent;
