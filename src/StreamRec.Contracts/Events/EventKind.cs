namespace StreamRec.Contracts.Events;

/// <summary>The kinds of input event, as named by the <c>type</c> field.</summary>
public enum EventKind : byte
{
    Click,
    Comment,
    Purchase,
    RoomStart,
    RoomStop,
    RoomUpdate,
    UserForget,
}
