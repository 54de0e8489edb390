namespace StreamRec.Pipeline.State;

/// <summary>Last lists per user and the room-to-holders index, in memory.</summary>
public sealed class InMemoryRankingStore : IRankingStore
{
    private readonly Dictionary<int, (int[] Rooms, long Seq)> _lists = [];
    private readonly Dictionary<int, HashSet<int>> _holders = [];

    public (IReadOnlyList<int> Rooms, long Seq) LastSent(int user) =>
        _lists.TryGetValue(user, out var entry) ? (entry.Rooms, entry.Seq) : ([], 0);

    public long Put(int user, IReadOnlyList<int> rooms)
    {
        var (previous, seq) = LastSent(user);
        foreach (var room in previous)
        {
            if (!rooms.Contains(room) && _holders.TryGetValue(room, out var users))
            {
                users.Remove(user);
            }
        }

        foreach (var room in rooms)
        {
            if (!_holders.TryGetValue(room, out var users))
            {
                _holders[room] = users = [];
            }

            users.Add(user);
        }

        _lists[user] = ([.. rooms], seq + 1);
        return seq + 1;
    }

    public IReadOnlyCollection<int> Holders(int room) => _holders.TryGetValue(room, out var users) ? users : [];
}
