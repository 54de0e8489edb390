namespace StreamRec.Simulation;

/// <summary>
/// Where a visiting viewer goes. With the viewer's repeat propensity it goes back to a live room of a streamer
/// it has seen, weighted by visits^1.5; otherwise (or if none is live) it explores: a live room with
/// probability proportional to popularity x taste[category]^1.5. Both cost what the viewer's history and the
/// twelve categories cost, not what the number of rooms costs.
/// </summary>
internal sealed class RoomChooser(RoomTable rooms, LiveRooms live, Viewers viewers, ViewerHistory history)
{
    /// <summary>The chosen live room, or -1 if nothing is live.</summary>
    public int Choose(int viewer)
    {
        if (live.Count == 0)
        {
            return -1;
        }

        ref var random = ref viewers.Random(viewer);
        if (SplitMix.Chance(ref random, viewers.Repeat(viewer)))
        {
            var favourite = PickFavourite(viewer, ref random);
            if (favourite >= 0)
            {
                return favourite;
            }
        }

        return Explore(viewer, ref random);
    }

    /// <summary>A live room of a streamer the viewer has seen, by visits^1.5; -1 if none is live.</summary>
    public int PickFavourite(int viewer, ref ulong random)
    {
        var total = 0.0;
        foreach (var (streamer, visits) in history.Of(viewer))
        {
            total += LiveRooms(streamer) * Weight(visits);
        }

        if (total <= 0)
        {
            return -1;
        }

        var target = SplitMix.NextDouble(ref random) * total;
        var last = -1;
        foreach (var (streamer, visits) in history.Of(viewer))
        {
            var weight = Weight(visits);
            for (var room = streamer; room < rooms.Count; room += rooms.Streamers)
            {
                if (live.IsLive(room))
                {
                    last = room;
                    target -= weight;
                    if (target < 0)
                    {
                        return room;
                    }
                }
            }
        }

        // Rounding can leave a sliver of target past the last weight; that belongs to the last room.
        return last;
    }

    /// <summary>A live room (one must be live) by popularity x taste[category]^1.5.</summary>
    public int Explore(int viewer, ref ulong random)
    {
        Span<double> weights = stackalloc double[Vocabulary.Categories.Length];
        viewers.ExploreWeights(viewer, weights);
        var total = 0.0;
        for (var c = 0; c < weights.Length; c++)
        {
            weights[c] *= live.Mass(c);
            total += weights[c];
        }

        var target = SplitMix.NextDouble(ref random) * total;
        var category = -1;
        for (var c = 0; c < weights.Length; c++)
        {
            if (weights[c] > 0)
            {
                category = c;
                target -= weights[c];
                if (target < 0)
                {
                    break;
                }
            }
        }

        return live.Pick(category, ref random);
    }

    private int LiveRooms(int streamer)
    {
        var count = 0;
        for (var room = streamer; room < rooms.Count; room += rooms.Streamers)
        {
            count += live.IsLive(room) ? 1 : 0;
        }

        return count;
    }

    private static double Weight(int visits) => visits * Math.Sqrt(visits);
}
