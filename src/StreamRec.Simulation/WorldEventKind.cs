namespace StreamRec.Simulation;

/// <summary>What a <see cref="WorldEvent"/> is: a logged event, or a visit that decides what a viewer does next.</summary>
internal enum WorldEventKind : byte
{
    RoomStart,
    RoomUpdate,
    RoomStop,

    /// <summary>A viewer arrives; never logged itself, it becomes the first click of the watch (if any).</summary>
    Visit,
    Click,
    Comment,
    Purchase,

    /// <summary>A viewer's taste changes; never logged.</summary>
    Drift,
}
