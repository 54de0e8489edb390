namespace StreamRec.Simulation;

/// <summary>
/// The fixed facts of the rooms: who hosts each, what it sells and how popular it is. Four streamers to five
/// rooms; room r is hosted by streamer r mod streamers, so the rooms of streamer s are s, s + streamers, ...
/// Each streamer also has a latent sub-genre and price level, never logged: rooms of one (category, sub-genre,
/// price) bucket draw the same viewers, so only behaviour tells them apart.
/// </summary>
internal sealed class RoomTable
{
    /// <summary>Popularity is kept as an integer multiple of 2^-40 so live-room sums stay exact.</summary>
    public const double WeightScale = 1L << 40;

    private readonly int[] _streamer;
    private readonly byte[] _category;
    private readonly long[] _weight;
    private readonly short[] _bucket;

    private RoomTable(int streamers, byte[] streamerCategory, long[] weight, RoomBuckets buckets, ulong seed)
    {
        Streamers = streamers;
        Buckets = buckets;
        _weight = weight;
        _streamer = new int[weight.Length];
        _category = new byte[weight.Length];
        _bucket = new short[weight.Length];
        var streamerBucket = new short[streamers];
        for (var s = 0; s < streamers; s++)
        {
            // Own streams, so the categories and popularity drawn before sub-genres existed stay as they were.
            var random = SplitMix.Seed(seed, 6, (ulong)s);
            streamerBucket[s] = (short)buckets.Of(streamerCategory[s], SplitMix.Next(ref random, buckets.SubGenres), SplitMix.Next(ref random, buckets.PriceLevels));
        }

        for (var r = 0; r < weight.Length; r++)
        {
            _streamer[r] = r % streamers;
            _category[r] = streamerCategory[r % streamers];
            _bucket[r] = streamerBucket[r % streamers];
        }
    }

    public int Count => _weight.Length;

    public int Streamers { get; }

    /// <summary>The latent (category, sub-genre, price) buckets the rooms fall into.</summary>
    public RoomBuckets Buckets { get; }

    /// <summary>A table with one sub-genre and one price level: rooms differ only by category and popularity.</summary>
    public static RoomTable Create(int rooms, DeterministicRandom random) => Create(rooms, random, new RoomBuckets(1, 1), 0);

    public static RoomTable Create(int rooms, DeterministicRandom random, RoomBuckets buckets, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(random);
        var streamers = Math.Max(1, rooms * 4 / 5);
        var streamerCategory = new byte[streamers];
        Span<double> categoryWeights = stackalloc double[Vocabulary.Categories.Length];
        for (var c = 0; c < categoryWeights.Length; c++)
        {
            categoryWeights[c] = 1.0 / (c + 1.5);
        }

        for (var s = 0; s < streamers; s++)
        {
            streamerCategory[s] = (byte)random.Pick(categoryWeights);
        }

        // Popularity follows Zipf's law over a random ranking of the rooms.
        var ranks = new int[rooms];
        for (var i = 0; i < ranks.Length; i++)
        {
            ranks[i] = i;
        }

        for (var i = ranks.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (ranks[i], ranks[j]) = (ranks[j], ranks[i]);
        }

        var weight = new long[rooms];
        for (var r = 0; r < rooms; r++)
        {
            weight[r] = (long)Math.Round(PortableMath.Pow(ranks[r] + 1, -0.9) * WeightScale);
        }

        return new RoomTable(streamers, streamerCategory, weight, buckets, seed);
    }

    /// <summary>Zipf popularity of the room (1 / rank^0.9), in units of 2^-40.</summary>
    public long WeightOf(int room) => _weight[room];

    public int StreamerOf(int room) => _streamer[room];

    public int CategoryOf(int room) => _category[room];

    /// <summary>The room's (category, sub-genre, price) bucket, see <see cref="RoomBuckets"/>.</summary>
    public int BucketOf(int room) => _bucket[room];
}
