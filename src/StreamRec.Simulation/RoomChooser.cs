namespace StreamRec.Simulation;

/// <summary>
/// Where a visiting viewer goes. A session's follow-up visit first, with the stay chance, explores the category
/// and sub-genre of the visit before (if one of its rooms is live). Otherwise, with the viewer's repeat propensity
/// it goes back to a live room of a streamer it has seen, weighted by visits^1.5; otherwise (or if none is live)
/// it explores: a live room with probability proportional to popularity x the viewer's weight of the room's
/// (category, sub-genre, price) bucket. All of it costs what the viewer's history and the buckets cost, not what
/// the number of rooms costs. <see cref="Probabilities"/> is the same rule written out over every live room.
/// </summary>
internal sealed class RoomChooser(RoomTable rooms, LiveRooms live, Viewers viewers, ViewerHistory history, double sessionStay = 0)
{
    private readonly RoomBuckets _buckets = rooms.Buckets;

    /// <summary>The chosen live room, or -1 if nothing is live.</summary>
    public int Choose(int viewer) => Choose(viewer, -1);

    /// <param name="viewer">The visiting viewer.</param>
    /// <param name="sessionBucket">The bucket of the session's visit before, or -1 for a visit that starts a session.</param>
    public int Choose(int viewer, int sessionBucket)
    {
        if (live.Count == 0)
        {
            return -1;
        }

        ref var random = ref viewers.Random(viewer);
        if (sessionBucket >= 0 && StayMass(viewer, sessionBucket) > 0 && SplitMix.Chance(ref random, sessionStay))
        {
            return ExploreWithin(viewer, sessionBucket, ref random);
        }

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
        var total = FavouriteTotal(viewer);
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

    /// <summary>A live room (one must be live) by popularity x the viewer's bucket weight.</summary>
    public int Explore(int viewer, ref ulong random)
    {
        Span<double> weights = stackalloc double[_buckets.Count];
        var total = ExploreBuckets(viewer, weights);
        return live.Pick(PickIndex(weights, total, ref random), ref random);
    }

    /// <summary>
    /// Each live room's chance of being chosen by <see cref="Choose(int, int)"/> now, into <paramref name="p"/>
    /// (indexed by room, 0 for rooms that are not live). Costs what the number of rooms costs: for the truth only.
    /// </summary>
    public void Probabilities(int viewer, int sessionBucket, Span<double> p)
    {
        p.Clear();
        if (live.Count == 0)
        {
            return;
        }

        var explore = 1.0;
        var favourites = FavouriteTotal(viewer);
        if (favourites > 0)
        {
            var repeat = viewers.Repeat(viewer);
            explore = 1 - repeat;
            foreach (var (streamer, visits) in history.Of(viewer))
            {
                var share = repeat * Weight(visits) / favourites;
                for (var room = streamer; room < rooms.Count; room += rooms.Streamers)
                {
                    p[room] += live.IsLive(room) ? share : 0;
                }
            }
        }

        // Explore picks bucket b with chance weight[b] x mass[b] / total, then room r in it with weight[r] / mass[b].
        Span<double> weights = stackalloc double[_buckets.Count];
        viewers.ExploreWeights(viewer, weights);
        var total = 0.0;
        for (var b = 0; b < weights.Length; b++)
        {
            total += weights[b] * live.Mass(b);
        }

        for (var room = 0; room < rooms.Count; room++)
        {
            if (live.IsLive(room))
            {
                p[room] += explore * weights[rooms.BucketOf(room)] * rooms.WeightOf(room) / total;
            }
        }

        var stayMass = sessionBucket >= 0 ? StayMass(viewer, sessionBucket) : 0;
        if (stayMass > 0)
        {
            var first = _buckets.Of(_buckets.CategoryOf(sessionBucket), _buckets.SubGenreOf(sessionBucket), 0);
            for (var room = 0; room < rooms.Count; room++)
            {
                var b = rooms.BucketOf(room);
                p[room] *= 1 - sessionStay;
                if (live.IsLive(room) && b >= first && b < first + _buckets.PriceLevels)
                {
                    p[room] += sessionStay * viewers.PriceWeight(viewer, b - first) * rooms.WeightOf(room) / stayMass;
                }
            }
        }
    }

    /// <summary>A live room of the session's category and sub-genre (one must be live), by price weight x popularity.</summary>
    private int ExploreWithin(int viewer, int sessionBucket, ref ulong random)
    {
        var first = _buckets.Of(_buckets.CategoryOf(sessionBucket), _buckets.SubGenreOf(sessionBucket), 0);
        Span<double> weights = stackalloc double[_buckets.PriceLevels];
        var total = 0.0;
        for (var price = 0; price < weights.Length; price++)
        {
            weights[price] = viewers.PriceWeight(viewer, price) * live.Mass(first + price);
            total += weights[price];
        }

        return live.Pick(first + PickIndex(weights, total, ref random), ref random);
    }

    /// <summary>Live popularity of the session's category and sub-genre, weighted by the viewer's price weights.</summary>
    private double StayMass(int viewer, int sessionBucket)
    {
        var first = _buckets.Of(_buckets.CategoryOf(sessionBucket), _buckets.SubGenreOf(sessionBucket), 0);
        var mass = 0.0;
        for (var price = 0; price < _buckets.PriceLevels; price++)
        {
            mass += viewers.PriceWeight(viewer, price) * live.Mass(first + price);
        }

        return mass;
    }

    /// <summary>Fills each bucket's explore weight x live mass; returns their sum.</summary>
    private double ExploreBuckets(int viewer, Span<double> weights)
    {
        viewers.ExploreWeights(viewer, weights);
        var total = 0.0;
        for (var b = 0; b < weights.Length; b++)
        {
            weights[b] *= live.Mass(b);
            total += weights[b];
        }

        return total;
    }

    private static int PickIndex(ReadOnlySpan<double> weights, double total, ref ulong random)
    {
        var target = SplitMix.NextDouble(ref random) * total;
        var picked = -1;
        for (var i = 0; i < weights.Length; i++)
        {
            if (weights[i] > 0)
            {
                picked = i;
                target -= weights[i];
                if (target < 0)
                {
                    break;
                }
            }
        }

        return picked;
    }

    private double FavouriteTotal(int viewer)
    {
        var total = 0.0;
        foreach (var (streamer, visits) in history.Of(viewer))
        {
            total += LiveRooms(streamer) * Weight(visits);
        }

        return total;
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
