using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Features;

/// <summary>
/// The per-room feature inputs of one tick, prepared the first time a room is a candidate in that tick and
/// then shared by every user re-ranked in it. One per partition, so partitions never share a cache.
/// </summary>
public sealed class RoomColumns(FeatureExtractor features, IRoomStateStore rooms, int dimensions)
{
    private RoomContext?[] _contexts = new RoomContext?[256];
    private long[] _preparedAt = new long[256];
    private long _tick;
    private long _now;

    /// <summary>Starts a tick at event time <paramref name="nowMs"/>: every room is prepared again on first use.</summary>
    public void StartTick(long nowMs)
    {
        _tick++;
        _now = nowMs;
    }

    public RoomContext Get(int room)
    {
        if (room >= _contexts.Length)
        {
            var size = Math.Max(room + 1, _contexts.Length * 2);
            Array.Resize(ref _contexts, size);
            Array.Resize(ref _preparedAt, size);
        }

        var context = _contexts[room] ??= new RoomContext(dimensions);
        if (_preparedAt[room] != _tick)
        {
            features.PrepareRoom(rooms.FindRoom(room) ?? throw new InvalidOperationException($"Room {room} is not registered."), _now, context);
            _preparedAt[room] = _tick;
        }

        return context;
    }
}
