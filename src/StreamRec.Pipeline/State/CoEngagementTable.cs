using StreamRec.Pipeline.Numerics;

namespace StreamRec.Pipeline.State;

/// <summary>
/// Streamer-to-streamer co-engagement: for each streamer X, the streamers Y that X's viewers also engage with,
/// as decayed weights, at most <c>neighbours</c> of them (the strongest), and X's total co-engagement mass, so
/// that w(X→Y) / mass(X) reads as "of what X's viewers co-engage with, the share that goes to Y". Global, like
/// the other room-level aggregates.
/// </summary>
/// <remarks>
/// Consistency model: partitions only read the table while they run; what their users add during a tick is
/// collected per partition (<see cref="CoEngagementContributions"/>) and, at the tick's close, on the coordinating
/// thread, summed over the partitions in partition order and applied, as of the tick's clock, pair by pair in
/// ascending (X, Y) order (<see cref="Steps.CoEngagementMerge"/>). So every partition ranks the tick against the same table, a given
/// partition count gives the same bytes, and neither the order of a tick's events nor the partition count
/// decides which neighbours a full list keeps: across partition counts the table differs only by the rounding of
/// the tick's sums. Entries of one list share one time (<see cref="NeighbourList.Ts"/>): an update decays the
/// whole list to the update's time first, so a share w / mass needs no decay to be read, and the weakest entry is
/// the smallest weight.
/// </remarks>
public sealed class CoEngagementTable(int neighbours, TimeSpan halfLife)
{
    private readonly List<NeighbourList?> _lists = [];

    /// <summary>Most neighbours per streamer.</summary>
    public int Capacity => neighbours;

    /// <summary>Streamers with a list.</summary>
    public int Count { get; private set; }

    /// <summary>The streamer's list, or null before it has any co-engagement.</summary>
    public NeighbourList? Find(int streamer) => streamer >= 0 && streamer < _lists.Count ? _lists[streamer] : null;

    /// <summary>
    /// Adds <paramref name="amount"/> (as of <paramref name="ts"/>) to X→Y and to X's mass. A Y new to a full list
    /// replaces the weakest entry only if it is stronger (at equal weight, the lower streamer id stays).
    /// </summary>
    public void Add(int x, int y, double amount, long ts)
    {
        if (neighbours == 0 || x == y || amount <= 0)
        {
            return;
        }

        while (_lists.Count <= x)
        {
            _lists.Add(null);
        }

        var list = _lists[x];
        if (list is null)
        {
            list = _lists[x] = new NeighbourList(neighbours) { Ts = ts };
            Count++;
        }

        list.Add(y, amount * Decay.Factor(ts, list.Ts, halfLife), ts, halfLife);
    }

    /// <summary>Writes every list exactly (a checkpoint).</summary>
    internal void Save(Durability.SnapshotWriter w)
    {
        w.Int(neighbours);
        w.VarUInt((ulong)_lists.Count);
        foreach (var list in _lists)
        {
            w.Bool(list is not null);
            if (list is not null)
            {
                w.Long(list.Ts);
                w.Double(list.Mass);
                w.VarUInt((ulong)list.Count);
                foreach (var entry in list.Entries)
                {
                    w.Int(entry.Streamer);
                    w.Double(entry.Weight);
                }
            }
        }
    }

    /// <summary>Replaces the whole table with what <see cref="Save"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The checkpoint was written with another neighbour bound.</exception>
    internal void Load(Durability.SnapshotReader r)
    {
        var stored = r.Int();
        if (stored != neighbours)
        {
            throw new InvalidDataException(
                $"The state directory was written with CoEngagement.Neighbours {stored} (configured: {neighbours}). Use the same settings, or a new state directory.");
        }

        _lists.Clear();
        Count = 0;
        var lists = r.Count();
        for (var i = 0; i < lists; i++)
        {
            if (!r.Bool())
            {
                _lists.Add(null);
                continue;
            }

            var list = new NeighbourList(neighbours) { Ts = r.Long(), Mass = r.Double() };
            var entries = r.Count();
            for (var e = 0; e < entries; e++)
            {
                list.Append(r.Int(), r.Double());
            }

            _lists.Add(list);
            Count++;
        }
    }

    /// <summary>One streamer's strongest neighbours and total mass, all as of <see cref="Ts"/>.</summary>
    public sealed class NeighbourList(int capacity)
    {
        private readonly Neighbour[] _entries = new Neighbour[capacity];

        /// <summary>Event time every weight and the mass are decayed to.</summary>
        public long Ts { get; internal set; }

        /// <summary>Decayed total co-engagement of the streamer, evicted neighbours' included.</summary>
        public double Mass { get; internal set; }

        public int Count { get; private set; }

        /// <summary>The neighbours, in no particular order.</summary>
        public ReadOnlySpan<Neighbour> Entries => _entries.AsSpan(0, Count);

        internal void Add(int streamer, double amount, long ts, TimeSpan halfLife)
        {
            if (ts > Ts)
            {
                var factor = Decay.Factor(Ts, ts, halfLife);
                for (var i = 0; i < Count; i++)
                {
                    _entries[i] = _entries[i] with { Weight = _entries[i].Weight * factor };
                }

                Mass *= factor;
                Ts = ts;
            }

            Mass += amount;
            var weakest = -1;
            for (var i = 0; i < Count; i++)
            {
                if (_entries[i].Streamer == streamer)
                {
                    _entries[i] = _entries[i] with { Weight = _entries[i].Weight + amount };
                    return;
                }

                if (weakest < 0 || Weaker(_entries[i], _entries[weakest]))
                {
                    weakest = i;
                }
            }

            var fresh = new Neighbour(streamer, amount);
            if (Count < _entries.Length)
            {
                _entries[Count++] = fresh;
            }
            else if (Weaker(_entries[weakest], fresh))
            {
                _entries[weakest] = fresh;
            }
        }

        internal void Append(int streamer, double weight) => _entries[Count++] = new Neighbour(streamer, weight);

        private static bool Weaker(in Neighbour a, in Neighbour b) =>
            a.Weight < b.Weight || (a.Weight == b.Weight && a.Streamer > b.Streamer);
    }

    /// <summary>A co-engaged streamer and its weight, as of its list's time.</summary>
    public readonly record struct Neighbour(int Streamer, double Weight);
}
