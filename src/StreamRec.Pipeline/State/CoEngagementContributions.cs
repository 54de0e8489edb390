using System.Runtime.InteropServices;
using StreamRec.Pipeline.Numerics;

namespace StreamRec.Pipeline.State;

/// <summary>
/// What one partition's users added to the global <see cref="CoEngagementTable"/> during the current tick:
/// a decayed amount per directed streamer pair (X→Y), merged into the table at the tick's close.
/// </summary>
public sealed class CoEngagementContributions(TimeSpan halfLife)
{
    private readonly Dictionary<long, DecayedValue> _pairs = [];

    /// <summary>Pairs (key: see <see cref="Key"/>) touched this tick, in first-touch order.</summary>
    public IReadOnlyDictionary<long, DecayedValue> Pairs => _pairs;

    /// <summary>The pair's key: X in the high half, Y in the low one, so keys sort by (X, Y).</summary>
    public static long Key(int x, int y) => ((long)x << 32) | (uint)y;

    public static (int X, int Y) Split(long key) => ((int)(key >> 32), (int)(uint)key);

    /// <summary>Adds <paramref name="amount"/> to both X→Y and Y→X.</summary>
    public void Engage(int x, int y, long ts, double amount)
    {
        Add(Key(x, y), ts, amount);
        Add(Key(y, x), ts, amount);
    }

    public void Clear() => _pairs.Clear();

    /// <summary>Sets a pair's amount as another instance reported it (the exchange).</summary>
    internal void Set(long key, DecayedValue value) => _pairs[key] = value;

    /// <summary>Writes the open tick's contributions exactly, in first-touch order.</summary>
    internal void Save(Durability.SnapshotWriter w)
    {
        w.VarUInt((ulong)_pairs.Count);
        foreach (var (key, value) in _pairs)
        {
            w.Long(key);
            w.Decayed(value);
        }
    }

    internal void Load(Durability.SnapshotReader r)
    {
        Clear();
        var pairs = r.Count();
        for (var i = 0; i < pairs; i++)
        {
            _pairs[r.Long()] = r.Decayed();
        }
    }

    private void Add(long key, long ts, double amount)
    {
        ref var value = ref CollectionsMarshal.GetValueRefOrAddDefault(_pairs, key, out _);
        value = value.Add(ts, halfLife, amount);
    }
}
