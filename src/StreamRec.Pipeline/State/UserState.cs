using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Numerics;

namespace StreamRec.Pipeline.State;

/// <summary>
/// Everything the pipeline knows about one user, as a mutable working copy: a partition decodes it from
/// its store when a batch first touches the user and encodes it back at the batch's commit
/// (<see cref="UserStateCodec"/>). Bounded: at most <c>maxAffinities</c> streamers (the strongest) and a
/// ranked list of at most <c>maxRanked</c> rooms.
/// </summary>
public sealed class UserState
{
    private readonly StreamerAffinity[] _affinities;
    private readonly ScoredRoom[] _ranked;

    public UserState(int dimensions, int maxAffinities, int maxRanked)
    {
        Interest = new float[dimensions];
        ShortInterest = new float[dimensions];
        _affinities = new StreamerAffinity[maxAffinities];
        _ranked = new ScoredRoom[maxRanked];
    }

    /// <summary>Decayed sum of the vectors of rooms engaged with; direction is taste, length is recency-weighted volume.</summary>
    public float[] Interest { get; }

    /// <summary>
    /// The same sum with the short (session) half-life: what the user is browsing these minutes, which a drift in
    /// taste moves long before it moves <see cref="Interest"/>. Its time is also <see cref="InterestTs"/>.
    /// </summary>
    public float[] ShortInterest { get; }

    /// <summary>Event time <see cref="Interest"/> and <see cref="ShortInterest"/> were last decayed to: the user's latest event.</summary>
    public long InterestTs { get; set; }

    /// <summary>Decayed weighted event count (its time is <see cref="InterestTs"/>).</summary>
    public DecayedValue Activity { get; set; }

    public int AffinityCount { get; private set; }

    /// <summary>The user's streamers, at most the store's bound, in no particular order.</summary>
    public ReadOnlySpan<StreamerAffinity> Affinities => _affinities.AsSpan(0, AffinityCount);

    /// <summary>The ranked list: the top K that was last sent, then a few runners-up for promotion; best first.</summary>
    public ReadOnlySpan<ScoredRoom> Ranked => _ranked.AsSpan(0, RankedCount);

    public int RankedCount { get; private set; }

    /// <summary>Event time at which <see cref="Ranked"/> was last scored.</summary>
    public long RankedAt { get; set; }

    /// <summary>Sequence number of the last delta sent; 0 before the first.</summary>
    public long Seq { get; set; }

    /// <summary>Most ranked rooms kept.</summary>
    public int RankedCapacity => _ranked.Length;

    /// <summary>The affinity to <paramref name="streamer"/>, or default when the user has none.</summary>
    public DecayedValue AffinityOf(int streamer)
    {
        foreach (var affinity in Affinities)
        {
            if (affinity.Streamer == streamer)
            {
                return affinity.Engagement;
            }
        }

        return default;
    }

    public bool HasAffinity(int streamer)
    {
        foreach (var affinity in Affinities)
        {
            if (affinity.Streamer == streamer)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Adds engagement with <paramref name="streamer"/> at <paramref name="ts"/>. A new streamer beyond the bound
    /// replaces the weakest one (decayed to <paramref name="ts"/>; ties by streamer id), unless it is weaker still.
    /// </summary>
    /// <returns>The updated engagement, or default when the bound kept the streamer out.</returns>
    public DecayedValue Engage(int streamer, long ts, TimeSpan halfLife, double weight)
    {
        for (var i = 0; i < AffinityCount; i++)
        {
            if (_affinities[i].Streamer == streamer)
            {
                var updated = _affinities[i].Engagement.Add(ts, halfLife, weight);
                _affinities[i] = new StreamerAffinity(streamer, updated);
                return updated;
            }
        }

        var fresh = new DecayedValue(weight, ts);
        if (AffinityCount < _affinities.Length)
        {
            _affinities[AffinityCount++] = new StreamerAffinity(streamer, fresh);
            return fresh;
        }

        var weakest = 0;
        for (var i = 1; i < AffinityCount; i++)
        {
            if (Weaker(_affinities[i], _affinities[weakest], ts, halfLife))
            {
                weakest = i;
            }
        }

        if (Weaker(new StreamerAffinity(streamer, fresh), _affinities[weakest], ts, halfLife))
        {
            return default;
        }

        _affinities[weakest] = new StreamerAffinity(streamer, fresh);
        return fresh;
    }

    /// <summary>Replaces the ranked list (truncated to the capacity).</summary>
    public void SetRanked(ReadOnlySpan<ScoredRoom> rooms)
    {
        var count = Math.Min(rooms.Length, _ranked.Length);
        rooms[..count].CopyTo(_ranked);
        RankedCount = count;
    }

    internal void SetAffinities(ReadOnlySpan<StreamerAffinity> affinities)
    {
        affinities.CopyTo(_affinities);
        AffinityCount = affinities.Length;
    }

    /// <summary>Back to a user never seen.</summary>
    public void Clear()
    {
        Array.Clear(Interest);
        Array.Clear(ShortInterest);
        InterestTs = 0;
        Activity = default;
        AffinityCount = 0;
        RankedCount = 0;
        RankedAt = 0;
        Seq = 0;
    }

    private static bool Weaker(in StreamerAffinity a, in StreamerAffinity b, long ts, TimeSpan halfLife)
    {
        var va = a.Engagement.At(ts, halfLife);
        var vb = b.Engagement.At(ts, halfLife);
        return va < vb || (va == vb && a.Streamer > b.Streamer);
    }
}
