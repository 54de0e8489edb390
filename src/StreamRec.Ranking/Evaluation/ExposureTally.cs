namespace StreamRec.Ranking.Evaluation;

/// <summary>Accumulates one method's top-10 appearances (impressions) per room and per streamer.</summary>
public sealed class ExposureTally
{
    private readonly HashSet<int> _shown = [];
    private readonly Dictionary<int, long> _impressions = [];

    /// <summary>Counts one shown list.</summary>
    public void Add(ReadOnlySpan<int> rooms, ReadOnlySpan<int> streamers)
    {
        for (var i = 0; i < rooms.Length; i++)
        {
            _shown.Add(rooms[i]);
            _impressions[streamers[i]] = _impressions.GetValueOrDefault(streamers[i]) + 1;
        }
    }

    /// <summary>Coverage of <paramref name="liveRooms"/>, and the Gini of impressions over <paramref name="liveStreamers"/> (never shown ones count 0).</summary>
    public ExposureScores Summary(IReadOnlySet<int> liveRooms, IReadOnlySet<int> liveStreamers)
    {
        ArgumentNullException.ThrowIfNull(liveRooms);
        ArgumentNullException.ThrowIfNull(liveStreamers);
        var shown = _shown.Count(liveRooms.Contains);
        var impressions = liveStreamers.Select(s => _impressions.GetValueOrDefault(s)).ToArray();
        return new ExposureScores(liveRooms.Count == 0 ? 0 : (double)shown / liveRooms.Count, Gini(impressions), shown, liveRooms.Count);
    }

    /// <summary>
    /// The Gini coefficient of non-negative counts: with x sorted ascending, (2 Σ i·x_i) / (n Σ x) − (n + 1) / n; 0 when
    /// all are equal (or all zero), (n − 1) / n when one takes everything.
    /// </summary>
    public static double Gini(IReadOnlyList<long> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var n = values.Count;
        var sorted = values.Order().ToArray();
        double total = 0, weighted = 0;
        for (var i = 0; i < n; i++)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(sorted[i], nameof(values));
            total += sorted[i];
            weighted += (i + 1) * (double)sorted[i];
        }

        return total == 0 ? 0 : (2 * weighted / (n * total)) - ((n + 1.0) / n);
    }
}
