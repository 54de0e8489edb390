using StreamRec.Contracts.Outputs;

namespace StreamRec.Kafka.Hosting;

/// <summary>The newest deltas out, in a fixed ring (bounded memory), for the dashboard's user view.</summary>
public sealed class RecentDeltas(int capacity = 50_000)
{
    private readonly RecommendationDelta?[] _ring = new RecommendationDelta?[capacity];
    private readonly Lock _lock = new();
    private long _written;

    public void Add(IReadOnlyList<RecommendationDelta> deltas)
    {
        ArgumentNullException.ThrowIfNull(deltas);
        lock (_lock)
        {
            foreach (var delta in deltas)
            {
                _ring[_written++ % _ring.Length] = delta;
            }
        }
    }

    /// <summary>The user's newest deltas still in the ring, newest first.</summary>
    public IReadOnlyList<RecommendationDelta> Of(string userId, int max)
    {
        var found = new List<RecommendationDelta>();
        lock (_lock)
        {
            for (var i = _written - 1; i >= Math.Max(0, _written - _ring.Length) && found.Count < max; i--)
            {
                if (_ring[i % _ring.Length] is { } delta && delta.UserId == userId)
                {
                    found.Add(delta);
                }
            }
        }

        return found;
    }

    /// <summary>A user with a recent delta (for the dashboard's first suggestion), or null.</summary>
    public string? LatestUser()
    {
        lock (_lock)
        {
            return _written == 0 ? null : _ring[(_written - 1) % _ring.Length]?.UserId;
        }
    }
}
