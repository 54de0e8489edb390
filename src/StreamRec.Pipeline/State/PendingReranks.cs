namespace StreamRec.Pipeline.State;

/// <summary>
/// A partition's pending re-ranks: each user at most once, at the earliest due time (event time) asked for.
/// Part of the partition's state, so it can be stored and restored with the users.
/// </summary>
public sealed class PendingReranks
{
    private readonly PriorityQueue<int, (long Due, long Order)> _queue = new();
    private readonly Dictionary<int, long> _pending = [];
    private long _order;

    /// <summary>Users waiting for a re-rank.</summary>
    public int Count => _pending.Count;

    /// <summary>Asks for a re-rank of <paramref name="user"/> by <paramref name="due"/>; an earlier request wins.</summary>
    public void Mark(int user, long due)
    {
        if (_pending.TryGetValue(user, out var current) && current <= due)
        {
            return;
        }

        _pending[user] = due;
        _queue.Enqueue(user, (due, _order++));
    }

    /// <summary>The due time of the user's pending re-rank, if any.</summary>
    public bool TryGetDue(int user, out long due) => _pending.TryGetValue(user, out due);

    /// <summary>Drops every pending re-rank (the partition moved to another instance).</summary>
    public void Clear()
    {
        _queue.Clear();
        _pending.Clear();
    }

    /// <summary>Withdraws the user's pending re-rank, if any (its queue entry is skipped as stale).</summary>
    public void Cancel(int user) => _pending.Remove(user);

    /// <summary>Appends the users due by <paramref name="clock"/> (all when <paramref name="all"/>) in (due, request) order.</summary>
    public void Release(long clock, bool all, List<int> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        while (_queue.TryPeek(out var user, out var key) && (all || key.Due <= clock))
        {
            _queue.Dequeue();

            // A user re-marked earlier left a stale entry behind; only the live one counts.
            if (_pending.TryGetValue(user, out var due) && due == key.Due)
            {
                _pending.Remove(user);
                into.Add(user);
            }
        }
    }

    internal void Save(Durability.SnapshotWriter w)
    {
        w.Long(_order);
        w.VarUInt((ulong)_queue.Count);
        foreach (var (user, (due, order)) in _queue.UnorderedItems)
        {
            w.Int(user);
            w.Long(due);
            w.Long(order);
        }

        w.VarUInt((ulong)_pending.Count);
        foreach (var (user, due) in _pending)
        {
            w.Int(user);
            w.Long(due);
        }
    }

    internal void Load(Durability.SnapshotReader r)
    {
        _queue.Clear();
        _pending.Clear();
        _order = r.Long();
        var queued = r.Count();
        for (var i = 0; i < queued; i++)
        {
            var user = r.Int();
            _queue.Enqueue(user, (r.Long(), r.Long()));
        }

        var pending = r.Count();
        for (var i = 0; i < pending; i++)
        {
            var user = r.Int();
            _pending[user] = r.Long();
        }
    }
}
