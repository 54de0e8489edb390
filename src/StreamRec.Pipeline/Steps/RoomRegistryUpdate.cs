using StreamRec.Contracts.Events;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.Numerics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Steps;

/// <summary>
/// Live-room registry: applies room_start/stop/update to the set of live rooms (the only candidates) and
/// keeps each room's decayed popularity and conversion and each streamer's audience profile up to date.
/// Runs before interest update so a room that started in this batch already has its cold-start vector.
/// </summary>
public sealed class RoomRegistryUpdate(PipelineOptions options, PipelineState state) : IPipelineStep
{
    private readonly float[] _unit = new float[options.VectorDimensions];

    public void Apply(EventBatch batch)
    {
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
                default:
                    Engage(e);
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
            batch.StartedRooms.Add(e.Room);
        }
    }

    private void Stop(in EventRecord e, EventBatch batch)
    {
        var room = state.Rooms.GetOrAddRoom(e.Room);
        room.Streamer = e.Streamer;
        if (state.Rooms.SetLive(e.Room, false))
        {
            room.IsLive = false;
            batch.StoppedRooms.Add(e.Room);
        }
    }

    private static void Describe(RoomState room, in EventRecord e)
    {
        room.Streamer = e.Streamer;
        if (e.Category >= 0)
        {
            room.Category = e.Category;
        }
    }

    private void Engage(in EventRecord e)
    {
        var weight = options.Weights.Of(e.Kind);
        var room = state.Rooms.GetOrAddRoom(e.Room);
        if (room.Streamer < 0)
        {
            room.Streamer = e.Streamer;
        }

        room.Popularity = room.Popularity.Add(e.Ts, options.PopularityHalfLife, weight);
        var purchase = e.Kind == EventKind.Purchase;
        room.Visits = room.Visits.Add(e.Ts, options.PopularityHalfLife, purchase ? 0 : 1);
        room.Purchases = room.Purchases.Add(e.Ts, options.PopularityHalfLife, purchase ? 1 : 0);

        // The audience profile learns from the user's taste before this event; a user with no
        // history yet says nothing about the streamer.
        var user = state.Users.Find(e.User);
        if (user is null || !Vectors.TryUnit(user.Interest, _unit))
        {
            return;
        }

        var streamer = state.Rooms.GetOrAddStreamer(e.Streamer);
        var factor = (float)Decay.Factor(streamer.AudienceMass.Ts, e.Ts, options.AudienceHalfLife);
        Vectors.ScaleAdd(streamer.Audience, factor, _unit, (float)weight);
        streamer.AudienceMass = streamer.AudienceMass.Add(e.Ts, options.AudienceHalfLife, weight);
    }
}
