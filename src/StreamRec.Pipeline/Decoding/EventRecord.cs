using StreamRec.Contracts.Events;

namespace StreamRec.Pipeline.Decoding;

/// <summary>
/// A decoded, validated event on the hot path: ids are interned integers (see <see cref="Ids.IdTables"/>).
/// Fields that scoring does not use (item ids, titles) are validated but not kept; of a comment's text only its
/// intent is.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="Ts">Event time, ms since the Unix epoch.</param>
/// <param name="User">User id, or -1 for room events.</param>
/// <param name="Room">Room id.</param>
/// <param name="Streamer">Streamer id.</param>
/// <param name="Category">Category id for room_start/room_update when given, else -1.</param>
/// <param name="Amount">Purchase value (price x quantity), else 0.</param>
/// <param name="Intent">A comment whose text asks about buying (see <see cref="CommentIntent"/>).</param>
/// <param name="Source">The input topic a Kafka record came from (<see cref="Ids.IdTables.Sources"/>), else -1.</param>
/// <param name="Offset">The Kafka record's offset in its partition, else -1: what the room-aggregate exchange's marks count in.</param>
public readonly record struct EventRecord(
    EventKind Kind, long Ts, int User, int Room, int Streamer, int Category, double Amount, bool Intent = false, int Source = -1, long Offset = -1)
{
    public bool IsUserEvent => Kind <= EventKind.Purchase || Kind == EventKind.UserForget;
}
