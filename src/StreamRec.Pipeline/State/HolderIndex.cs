namespace StreamRec.Pipeline.State;

/// <summary>
/// Which users of a partition hold room r in their sent top-K: the fan-out of a room_stop. Four bytes per
/// entry: a room's list only grows, and entries of users who dropped the room are kept until the list is
/// twice the number of real holders (tracked exactly), then <see cref="Compact"/> filters it.
/// </summary>
public sealed class HolderIndex
{
    private Entry?[] _rooms = new Entry?[256];

    /// <summary>Drops every entry (the partition moved to another instance).</summary>
    public void Clear() => Array.Clear(_rooms);

    /// <summary>Room <paramref name="room"/> entered <paramref name="user"/>'s top-K.</summary>
    public void Add(int room, int user)
    {
        if (room >= _rooms.Length)
        {
            Array.Resize(ref _rooms, Math.Max(room + 1, _rooms.Length * 2));
        }

        var entry = _rooms[room] ??= new Entry();
        if (entry.Count == entry.Users.Length)
        {
            Array.Resize(ref entry.Users, Math.Max(4, entry.Users.Length * 2));
        }

        entry.Users[entry.Count++] = user;
        entry.Holders++;
    }

    /// <summary>Room <paramref name="room"/> left one user's top-K.</summary>
    public void Remove(int room)
    {
        if (room < _rooms.Length && _rooms[room] is { } entry)
        {
            entry.Holders--;
        }
    }

    /// <summary>Users who may hold the room: every real holder, plus possibly stale and repeated entries.</summary>
    public ReadOnlySpan<int> Candidates(int room) =>
        room < _rooms.Length && _rooms[room] is { } entry ? entry.Users.AsSpan(0, entry.Count) : [];

    /// <summary>Exact number of users holding the room.</summary>
    public int Holders(int room) => room < _rooms.Length && _rooms[room] is { } entry ? entry.Holders : 0;

    /// <summary>True when stale entries outnumber real ones enough to be worth a <see cref="Compact"/>.</summary>
    public bool NeedsCompaction(int room) =>
        room < _rooms.Length && _rooms[room] is { } entry && entry.Count > (2 * entry.Holders) + 32;

    /// <summary>Keeps one entry per user for whom <paramref name="holds"/> is true.</summary>
    public void Compact(int room, Func<int, bool> holds)
    {
        ArgumentNullException.ThrowIfNull(holds);
        if (room >= _rooms.Length || _rooms[room] is not { } entry)
        {
            return;
        }

        var seen = new HashSet<int>();
        var kept = 0;
        for (var i = 0; i < entry.Count; i++)
        {
            var user = entry.Users[i];
            if (seen.Add(user) && holds(user))
            {
                entry.Users[kept++] = user;
            }
        }

        entry.Count = kept;
        entry.Holders = kept;
        if (entry.Users.Length > 2 * Math.Max(kept, 4))
        {
            Array.Resize(ref entry.Users, Math.Max(kept, 4));
        }
    }

    /// <summary>Forgets the room's holders (it stopped and every holder was handled).</summary>
    public void Clear(int room)
    {
        if (room < _rooms.Length)
        {
            _rooms[room] = null;
        }
    }

    private sealed class Entry
    {
        public int[] Users = [];
        public int Count;
        public int Holders;
    }
}
