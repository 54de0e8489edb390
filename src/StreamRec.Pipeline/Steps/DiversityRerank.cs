using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Steps;

/// <summary>
/// Greedy, deterministic re-rank of a scored list for diversity and exposure: slot by slot, the best remaining
/// candidate whose category is under <see cref="DiversityOptions.MaxPerCategory"/>, and, once the slots left are
/// only enough for the exposure rooms still owed (<see cref="DiversityOptions.MinExposureShare"/>), the best such
/// room. When no candidate meets both, the exposure share gives way first, then the category cap, and last the best
/// remaining candidate fills the slot (a short list would be worse than a less diverse one). Candidates past the K
/// chosen keep their scored order.
/// </summary>
/// <remarks>Used by the pipeline where the top K is chosen and by <c>evaluate</c>, so both measure the same lists.</remarks>
public sealed class DiversityRerank(DiversityOptions options)
{
    private readonly List<(int Category, int Count)> _counts = [];

    public DiversityOptions Options => options;

    /// <summary>True when a room counts toward the exposure share for this user: a new streamer or, when set, a quiet room.</summary>
    public bool IsExposure(UserState user, RoomState room, long nowMs, TimeSpan popularityHalfLife)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(room);
        return IsExposure(!user.HasAffinity(room.Streamer), room.Popularity.At(nowMs, popularityHalfLife));
    }

    /// <summary>True when a room counts toward the exposure share, given whether its streamer is new to the user and its popularity.</summary>
    public bool IsExposure(bool newStreamer, double popularity) => newStreamer || popularity < options.LowPopularity;

    /// <summary>
    /// Reorders <paramref name="order"/> (candidate indices, best first) so its first min(K, length) entries are the
    /// re-ranked top K; <paramref name="categories"/> and <paramref name="exposure"/> are indexed by candidate.
    /// </summary>
    public void Apply(Span<int> order, ReadOnlySpan<int> categories, ReadOnlySpan<bool> exposure, int k)
    {
        var slots = Math.Min(k, order.Length);
        var owed = options.ExposureSlots(k);
        _counts.Clear();
        for (var slot = 0; slot < slots; slot++)
        {
            var forced = owed > 0 && owed >= slots - slot;
            var pick = Find(order, slot, categories, exposure, forced, capped: true);
            if (pick < 0 && forced)
            {
                pick = Find(order, slot, categories, exposure, forced: false, capped: true);
                pick = pick >= 0 ? pick : Find(order, slot, categories, exposure, forced: true, capped: false);
            }

            if (pick < 0)
            {
                pick = slot;
            }

            var chosen = order[pick];
            order[slot..pick].CopyTo(order[(slot + 1)..]);
            order[slot] = chosen;
            owed -= exposure[chosen] ? 1 : 0;
            AddToCategory(categories[chosen]);
        }
    }

    private int Find(ReadOnlySpan<int> order, int from, ReadOnlySpan<int> categories, ReadOnlySpan<bool> exposure, bool forced, bool capped)
    {
        for (var i = from; i < order.Length; i++)
        {
            var candidate = order[i];
            if ((!forced || exposure[candidate]) && (!capped || UnderCap(categories[candidate])))
            {
                return i;
            }
        }

        return -1;
    }

    private bool UnderCap(int category)
    {
        if (options.MaxPerCategory == 0)
        {
            return true;
        }

        foreach (var (c, count) in _counts)
        {
            if (c == category)
            {
                return count < options.MaxPerCategory;
            }
        }

        return true;
    }

    private void AddToCategory(int category)
    {
        for (var i = 0; i < _counts.Count; i++)
        {
            if (_counts[i].Category == category)
            {
                _counts[i] = (category, _counts[i].Count + 1);
                return;
            }
        }

        _counts.Add((category, 1));
    }
}
