namespace StreamRec.Pipeline.State;

/// <summary>Per-room and per-streamer state, plus the set of rooms live right now (the candidates).</summary>
public interface IRoomStateStore
{
    int RoomCount { get; }

    RoomState GetOrAddRoom(int room);

    RoomState? FindRoom(int room);

    StreamerState GetOrAddStreamer(int streamer);

    StreamerState? FindStreamer(int streamer);

    /// <summary>Live rooms, in a deterministic order (the order they went live, with removals swapped in).</summary>
    IReadOnlyList<int> LiveRooms { get; }

    /// <summary>Marks a room live or offline; returns false when it already was.</summary>
    bool SetLive(int room, bool live);
}
