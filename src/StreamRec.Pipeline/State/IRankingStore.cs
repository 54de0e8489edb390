namespace StreamRec.Pipeline.State;

/// <summary>
/// The last top-K sent to each user and its sequence number, plus the reverse index "which users hold
/// room r", needed to fan out a room_stop to exactly the users who must hear about it.
/// </summary>
public interface IRankingStore
{
    /// <summary>The user's last list (room ids best first) and the seq it was sent with; empty and 0 before the first.</summary>
    (IReadOnlyList<int> Rooms, long Seq) LastSent(int user);

    /// <summary>Stores a new list; returns the seq assigned to it.</summary>
    long Put(int user, IReadOnlyList<int> rooms);

    /// <summary>Users whose current list holds <paramref name="room"/>.</summary>
    IReadOnlyCollection<int> Holders(int room);
}
