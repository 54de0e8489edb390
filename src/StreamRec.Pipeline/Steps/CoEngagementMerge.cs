using System.Runtime.InteropServices;
using StreamRec.Pipeline.Numerics;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Steps;

/// <summary>
/// At a tick's close, sums the co-engagement contributions (in partition order) and applies them
/// to the global table decayed to the tick's clock (so each list is decayed once per tick) and in ascending
/// (X, Y) order, so that what a full neighbour list keeps does not depend on the order of the tick's events or
/// on how users are split (see <see cref="CoEngagementTable"/>). Coordinating thread only.
/// </summary>
public sealed class CoEngagementMerge(TimeSpan halfLife)
{
    private readonly Dictionary<long, DecayedValue> _sums = [];
    private readonly List<long> _keys = [];

    /// <param name="contributions">The tick's contributions in merge order; the caller clears them.</param>
    /// <param name="table">The global table.</param>
    /// <param name="clockMs">The tick close's clock.</param>
    public void Apply(IReadOnlyList<CoEngagementContributions> contributions, CoEngagementTable table, long clockMs)
    {
        ArgumentNullException.ThrowIfNull(contributions);
        ArgumentNullException.ThrowIfNull(table);
        _sums.Clear();
        _keys.Clear();
        foreach (var contribution in contributions)
        {
            foreach (var (key, value) in contribution.Pairs)
            {
                ref var sum = ref CollectionsMarshal.GetValueRefOrAddDefault(_sums, key, out var exists);
                sum = exists ? sum.Merge(value, halfLife) : value;
                if (!exists)
                {
                    _keys.Add(key);
                }
            }
        }

        _keys.Sort();
        foreach (var key in _keys)
        {
            var (x, y) = CoEngagementContributions.Split(key);
            var sum = _sums[key];
            var ts = Math.Max(sum.Ts, clockMs);
            table.Add(x, y, sum.At(ts, halfLife), ts);
        }
    }
}
