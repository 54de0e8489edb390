using StreamRec.Contracts.Events;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Steps;

/// <summary>
/// The global room table: applies room_start/stop/update to the live set and the live-room index, and
/// registers every room and streamer that user events name, so that partitions running in parallel only
/// ever read room state. Runs first in each batch, on the coordinating thread.
/// </summary>
public sealed class RoomRegistryUpdate(PipelineState state)
{
    public void Apply(EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var e in batch.Events)
        {
            switch (e.Kind)
            {
                case EventKind.RoomStart:
                    Start(e, batch);
                    break;
                case EventKind.RoomStop:
                    Stop(e, batch);
                    break;
                case EventKind.RoomUpdate:
                    Describe(state.Rooms.GetOrAddRoom(e.Room), e);
                    break;
                case EventKind.UserForget:
                    break;
                default:
                    var room = state.Rooms.GetOrAddRoom(e.Room);
                    if (room.Streamer < 0)
                    {
                        room.Streamer = e.Streamer;
                    }

                    state.Rooms.GetOrAddStreamer(e.Streamer);
                    break;
            }
        }
    }

    private void Start(in EventRecord e, EventBatch batch)
    {
        var room = state.Rooms.GetOrAddRoom(e.Room);
        Describe(room, e);
        if (state.Rooms.SetLive(e.Room, true))
        {
            room.IsLive = true;
            room.StartTs = e.Ts;
            state.LiveIndex.Start(room);
            batch.StartedRooms.Add(e.Room);
        }
    }

    private void Stop(in EventRecord e, EventBatch batch)
    {
        var room = state.Rooms.GetOrAddRoom(e.Room);
        if (state.Rooms.SetLive(e.Room, false))
        {
            room.IsLive = false;
            state.LiveIndex.Stop(room, room.Streamer);
            batch.StoppedRooms.Add(e.Room);
        }

        room.Streamer = e.Streamer;
    }

    private void Describe(RoomState room, in EventRecord e)
    {
        if (room.IsLive && room.Streamer != e.Streamer)
        {
            // A live room changing hosts moves in the per-streamer index.
            state.LiveIndex.Stop(room, room.Streamer);
            room.Streamer = e.Streamer;
            state.LiveIndex.Start(room);
        }

        room.Streamer = e.Streamer;
        state.Rooms.GetOrAddStreamer(e.Streamer);
        if (e.Category >= 0)
        {
            room.Category = e.Category;
            if (room.IsLive)
            {
                state.LiveIndex.Recategorize(room);
            }
        }
    }
}
