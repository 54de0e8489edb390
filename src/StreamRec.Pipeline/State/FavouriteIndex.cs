using StreamRec.Pipeline.Numerics;

namespace StreamRec.Pipeline.State;

/// <summary>
/// Per streamer, the partition's most attached viewers, kept as affinities change so a room_start reaches
/// them without scanning the audience. All affinities share one half-life, so log2(value) + ts / h orders
/// them the same at every instant: an engagement appends (key, user) and never needs to find the old entry,
/// since a user's newest key is also the highest. A list is deduplicated and cut to the limit when it has
/// doubled since the last cut, so each streamer holds at most about twice the limit.
/// </summary>
public sealed class FavouriteIndex(int limit, TimeSpan halfLife)
{
    private readonly double _halfLifeMs = halfLife.TotalMilliseconds;
    private readonly Dictionary<int, Entry> _streamers = [];

    /// <summary>Records that <paramref name="user"/>'s affinity to <paramref name="streamer"/> is now <paramref name="engagement"/>.</summary>
    public void Offer(int streamer, int user, DecayedValue engagement)
    {
        if (limit == 0 || engagement.Value <= 0)
        {
            return;
        }

        if (!_streamers.TryGetValue(streamer, out var entry))
        {
            _streamers[streamer] = entry = new Entry();
        }

        if (entry.Count >= (2 * entry.Compacted) + 64)
        {
            Compact(entry);
        }

        if (entry.Count == entry.Keys.Length)
        {
            Array.Resize(ref entry.Keys, Math.Max(8, entry.Keys.Length * 2));
            Array.Resize(ref entry.Users, entry.Keys.Length);
        }

        entry.Keys[entry.Count] = Key(engagement);
        entry.Users[entry.Count++] = user;
    }

    /// <summary>Drops every entry (the partition moved to another instance).</summary>
    public void Clear() => _streamers.Clear();

    /// <summary>Removes every entry of <paramref name="user"/>, current or stale, from every streamer.</summary>
    public void Forget(int user)
    {
        foreach (var (_, entry) in _streamers)
        {
            var kept = 0;
            for (var i = 0; i < entry.Count; i++)
            {
                if (entry.Users[i] != user)
                {
                    entry.Keys[kept] = entry.Keys[i];
                    entry.Users[kept++] = entry.Users[i];
                }
            }

            // Removal keeps the order and the deduplication, so a compacted list stays compacted.
            entry.Compacted = entry.Compacted == entry.Count ? kept : Math.Min(entry.Compacted, kept);
            entry.Count = kept;
        }
    }

    /// <summary>
    /// Appends the streamer's viewers whose affinity at <paramref name="nowMs"/> is at least
    /// <paramref name="minAffinity"/>, most attached first (ties by user id), at most the limit.
    /// </summary>
    public void Top(int streamer, long nowMs, double minAffinity, List<(double Affinity, int User)> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        if (!_streamers.TryGetValue(streamer, out var entry))
        {
            return;
        }

        if (entry.Count != entry.Compacted)
        {
            Compact(entry);
        }

        var nowKey = nowMs / _halfLifeMs;
        for (var i = 0; i < entry.Count; i++)
        {
            var value = Math.Pow(2, entry.Keys[i] - nowKey);
            if (value >= minAffinity)
            {
                into.Add((value, entry.Users[i]));
            }
        }
    }

    internal void Save(Durability.SnapshotWriter w)
    {
        w.VarUInt((ulong)_streamers.Count);
        foreach (var (streamer, entry) in _streamers)
        {
            w.Int(streamer);
            w.Int(entry.Compacted);
            w.VarUInt((ulong)entry.Count);
            for (var i = 0; i < entry.Count; i++)
            {
                w.Double(entry.Keys[i]);
                w.Int(entry.Users[i]);
            }
        }
    }

    internal void Load(Durability.SnapshotReader r)
    {
        _streamers.Clear();
        var streamers = r.Count();
        for (var s = 0; s < streamers; s++)
        {
            var streamer = r.Int();
            var entry = new Entry { Compacted = r.Int() };
            entry.Count = r.Count();
            entry.Keys = new double[Math.Max(8, entry.Count)];
            entry.Users = new int[entry.Keys.Length];
            for (var i = 0; i < entry.Count; i++)
            {
                entry.Keys[i] = r.Double();
                entry.Users[i] = r.Int();
            }

            _streamers[streamer] = entry;
        }
    }

    private double Key(DecayedValue engagement) => Math.Log2(engagement.Value) + (engagement.Ts / _halfLifeMs);

    private void Compact(Entry entry)
    {
        var best = new Dictionary<int, double>(entry.Count);
        for (var i = 0; i < entry.Count; i++)
        {
            if (!best.TryGetValue(entry.Users[i], out var key) || entry.Keys[i] > key)
            {
                best[entry.Users[i]] = entry.Keys[i];
            }
        }

        var ordered = best.OrderByDescending(static b => b.Value).ThenBy(static b => b.Key).Take(limit).ToArray();
        entry.Count = ordered.Length;
        for (var i = 0; i < ordered.Length; i++)
        {
            entry.Users[i] = ordered[i].Key;
            entry.Keys[i] = ordered[i].Value;
        }

        entry.Compacted = entry.Count;
    }

    private sealed class Entry
    {
        public double[] Keys = [];
        public int[] Users = [];
        public int Count;
        public int Compacted;
    }
}
