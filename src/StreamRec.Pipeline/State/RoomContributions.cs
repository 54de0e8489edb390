using System.Runtime.InteropServices;
using StreamRec.Pipeline.Numerics;

namespace StreamRec.Pipeline.State;

/// <summary>
/// What one partition's users added to the global room aggregates (popularity, visits, purchases, intent comments, streamer
/// audiences) during the current tick. Partitions only read the global room state while they run; at the
/// tick's close these contributions are merged into it in partition order, so every partition (and, over
/// Kafka, every instance) sees the same aggregates, and a given partition count gives the same bytes.
/// </summary>
public sealed class RoomContributions(int dimensions)
{
    private readonly Dictionary<int, RoomSums> _rooms = [];
    private readonly Dictionary<int, AudienceSum> _audiences = [];
    private readonly Stack<AudienceSum> _pool = new();
    private readonly List<(int Source, long Offset)> _covered = [];

    /// <summary>Rooms with a contribution this tick, in first-touch order.</summary>
    public IReadOnlyDictionary<int, RoomSums> Rooms => _rooms;

    /// <summary>Streamers with an audience contribution this tick, in first-touch order.</summary>
    public IReadOnlyDictionary<int, AudienceSum> Audiences => _audiences;

    public void Engage(int room, long ts, TimeSpan halfLife, double weight, bool purchase, bool intent = false)
    {
        ref var sums = ref CollectionsMarshal.GetValueRefOrAddDefault(_rooms, room, out _);
        sums = new RoomSums(
            sums.Popularity.Add(ts, halfLife, weight),
            sums.Visits.Add(ts, halfLife, purchase ? 0 : 1),
            sums.Purchases.Add(ts, halfLife, purchase ? 1 : 0),
            sums.Intents.Add(ts, halfLife, intent ? 1 : 0));
    }

    /// <summary>Adds <paramref name="weight"/> x <paramref name="unitInterest"/> to the streamer's audience profile.</summary>
    public void Audience(int streamer, long ts, TimeSpan halfLife, ReadOnlySpan<float> unitInterest, double weight)
    {
        if (!_audiences.TryGetValue(streamer, out var sum))
        {
            sum = _pool.TryPop(out var pooled) ? pooled : new AudienceSum(dimensions);
            sum.Reset();
            _audiences[streamer] = sum;
        }

        var factor = (float)Decay.Factor(sum.Mass.Ts, ts, halfLife);
        Vectors.ScaleAdd(sum.Vector, factor, unitInterest, (float)weight);
        sum.Mass = sum.Mass.Add(ts, halfLife, weight);
    }

    /// <summary>True when nothing was added since the last <see cref="Clear"/>.</summary>
    public bool IsEmpty => _rooms.Count == 0 && _audiences.Count == 0;

    /// <summary>Per input topic, the highest offset of an event that contributed this tick (Kafka input only).</summary>
    public IReadOnlyList<(int Source, long Offset)> Covered => _covered;

    /// <summary>Notes that the event at <paramref name="offset"/> of <paramref name="source"/> contributed.</summary>
    internal void Cover(int source, long offset)
    {
        if (source < 0)
        {
            return;
        }

        for (var i = 0; i < _covered.Count; i++)
        {
            if (_covered[i].Source == source)
            {
                _covered[i] = (source, Math.Max(_covered[i].Offset, offset));
                return;
            }
        }

        _covered.Add((source, offset));
    }

    /// <summary>Sets a room's sums as another instance reported them (the exchange).</summary>
    internal void Set(int room, RoomSums sums) => _rooms[room] = sums;

    /// <summary>A streamer's audience sum to fill in as another instance reported it (the exchange).</summary>
    internal AudienceSum SetAudience(int streamer, DecayedValue mass)
    {
        if (!_audiences.TryGetValue(streamer, out var sum))
        {
            sum = _pool.TryPop(out var pooled) ? pooled : new AudienceSum(dimensions);
            _audiences[streamer] = sum;
        }

        sum.Reset();
        sum.Mass = mass;
        return sum;
    }

    public void Clear()
    {
        _covered.Clear();
        _rooms.Clear();
        foreach (var (_, sum) in _audiences)
        {
            _pool.Push(sum);
        }

        _audiences.Clear();
    }

    /// <summary>Writes the open tick's contributions exactly, in first-touch order.</summary>
    internal void Save(Durability.SnapshotWriter w)
    {
        w.VarUInt((ulong)_rooms.Count);
        foreach (var (room, sums) in _rooms)
        {
            w.Int(room);
            w.Decayed(sums.Popularity);
            w.Decayed(sums.Visits);
            w.Decayed(sums.Purchases);
            w.Decayed(sums.Intents);
        }

        w.VarUInt((ulong)_audiences.Count);
        foreach (var (streamer, sum) in _audiences)
        {
            w.Int(streamer);
            w.Floats(sum.Vector);
            w.Decayed(sum.Mass);
        }
    }

    /// <summary>Writes what the open tick covers, by topic name (source ids are not kept across starts).</summary>
    internal void SaveCovered(Durability.SnapshotWriter w, Ids.IdTable sources)
    {
        w.VarUInt((ulong)_covered.Count);
        foreach (var (source, offset) in _covered)
        {
            w.String(sources.NameOf(source));
            w.Long(offset);
        }
    }

    internal void LoadCovered(Durability.SnapshotReader r, Ids.IdTable sources)
    {
        _covered.Clear();
        var count = r.Count();
        for (var i = 0; i < count; i++)
        {
            _covered.Add((sources.Intern(r.String()), r.Long()));
        }
    }

    internal void Load(Durability.SnapshotReader r)
    {
        Clear();
        var rooms = r.Count();
        for (var i = 0; i < rooms; i++)
        {
            var room = r.Int();
            _rooms[room] = new RoomSums(r.Decayed(), r.Decayed(), r.Decayed(), r.Version >= 2 ? r.Decayed() : default);
        }

        var audiences = r.Count();
        for (var i = 0; i < audiences; i++)
        {
            var streamer = r.Int();
            var sum = new AudienceSum(dimensions);
            r.Floats(sum.Vector);
            sum.Mass = r.Decayed();
            _audiences[streamer] = sum;
        }
    }

    /// <summary>A room's decayed sums of one tick.</summary>
    public readonly record struct RoomSums(DecayedValue Popularity, DecayedValue Visits, DecayedValue Purchases, DecayedValue Intents);

    /// <summary>A streamer's decayed audience vector sum of one tick, as of <see cref="Mass"/>'s time.</summary>
    public sealed class AudienceSum(int dimensions)
    {
        public float[] Vector { get; } = new float[dimensions];

        public DecayedValue Mass { get; set; }

        internal void Reset()
        {
            Array.Clear(Vector);
            Mass = default;
        }
    }
}
