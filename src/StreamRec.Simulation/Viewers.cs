using System.Runtime.CompilerServices;

namespace StreamRec.Simulation;

/// <summary>
/// Every simulated user: a latent taste over categories (with a preferred sub-genre in each favourite one and
/// one preferred price level), an activity level, a repeat propensity and a private random stream. A visit
/// touches all of it, so each viewer is one 64-byte record (one cache line, and a million viewers in 64 MB)
/// rather than objects or parallel arrays. A taste is 0.03 everywhere except for one to three favourite
/// categories, so only those are stored.
/// </summary>
internal sealed class Viewers
{
    private const double BaseTaste = 0.03;
    private const long Minute = 60_000;

    private readonly Viewer[] _viewers;
    private readonly RoomBuckets _buckets;
    private readonly double _subGenreAffinity;
    private readonly double _priceAffinity;

    /// <summary>Viewers of a world without sub-genres or price levels, one visit per session.</summary>
    public Viewers(int count, ulong seed, double visitsPerHour)
        : this(count, seed, visitsPerHour, new SimulationOptions { SubGenres = 1, PriceLevels = 1, SessionContinue = 0 })
    {
    }

    public Viewers(int count, ulong seed, double visitsPerHour, SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _buckets = new RoomBuckets(options.SubGenres, options.PriceLevels);
        // With one sub-genre (or price level) there is nothing to prefer: every bucket would get the same factor,
        // except that the sub-genre one would inflate favourite categories against the rest.
        _subGenreAffinity = options.SubGenres > 1 ? options.SubGenreAffinity : 1;
        _priceAffinity = options.PriceLevels > 1 ? options.PriceAffinity : 1;
        _viewers = new Viewer[count];
        for (var u = 0; u < count; u++)
        {
            ref var v = ref _viewers[u];
            v.Random = SplitMix.Seed(seed, 3, (ulong)u);
            DrawTaste(ref v);

            // Follow-up visits of a session come on top of the viewer's own, so own visits are rarer by the
            // share of follow-ups: the mean visit rate stays what the options say.
            var sessions = visitsPerHour * (1 - options.SessionContinue);
            v.MeanGap = 60.0 * Minute / (sessions * SplitMix.LogNormal(ref v.Random, 1.0, 0.7));
            v.Repeat = 0.45 + (0.4 * SplitMix.NextDouble(ref v.Random));
            v.Price = (byte)SplitMix.Next(ref v.Random, _buckets.PriceLevels);
        }
    }

    public int Count => _viewers.Length;

    /// <summary>The (category, sub-genre, price) buckets the viewers' preferences are over.</summary>
    public RoomBuckets Buckets => _buckets;

    /// <summary>The viewer's own random stream: draws for one viewer never shift another's.</summary>
    public ref ulong Random(int viewer) => ref _viewers[viewer].Random;

    /// <summary>Mean time between the viewer's own (not notified, not follow-up) visits, in ms.</summary>
    public double MeanGap(int viewer) => _viewers[viewer].MeanGap;

    /// <summary>Chance that a visit tries a favourite streamer first.</summary>
    public double Repeat(int viewer) => _viewers[viewer].Repeat;

    /// <summary>Whether the viewer's taste has drifted (see <see cref="Drift"/>).</summary>
    public bool HasDrifted(int viewer) => _viewers[viewer].Drifted;

    public double Taste(int viewer, int category)
    {
        ref var v = ref _viewers[viewer];
        for (var i = 0; i < v.Favourites; i++)
        {
            if (v.Category[i] == category)
            {
                return v.Taste[i];
            }
        }

        return BaseTaste;
    }

    /// <summary>
    /// How well a room's bucket fits the viewer, in [0, 1]: half for a favourite category, 0.3 more for its
    /// preferred sub-genre there, 0.2 for the preferred price level.
    /// </summary>
    public double Match(int viewer, int bucket)
    {
        ref var v = ref _viewers[viewer];
        var match = _buckets.PriceOf(bucket) == v.Price ? 0.2 : 0;
        var category = _buckets.CategoryOf(bucket);
        for (var i = 0; i < v.Favourites; i++)
        {
            if (v.Category[i] == category)
            {
                match += _buckets.SubGenreOf(bucket) == v.SubGenre[i] ? 0.8 : 0.5;
            }
        }

        return match;
    }

    /// <summary>
    /// Explore weight of every bucket before live popularity: taste[category]^1.5, times the sub-genre affinity
    /// in the preferred sub-genre of a favourite category, times the price affinity at the preferred price.
    /// </summary>
    public void ExploreWeights(int viewer, Span<double> weights)
    {
        ref var v = ref _viewers[viewer];
        var perCategory = _buckets.PerCategory;
        Span<double> price = stackalloc double[_buckets.PriceLevels];
        price.Fill(1);
        price[v.Price] = _priceAffinity;
        var baseWeight = BaseTaste * Math.Sqrt(BaseTaste);
        for (var b = 0; b < weights.Length; b++)
        {
            weights[b] = baseWeight * price[b % _buckets.PriceLevels];
        }

        for (var i = 0; i < v.Favourites; i++)
        {
            var taste = v.Taste[i] * Math.Sqrt(v.Taste[i]);
            var first = v.Category[i] * perCategory;
            for (var b = first; b < first + perCategory; b++)
            {
                var sub = _buckets.SubGenreOf(b) == v.SubGenre[i] ? _subGenreAffinity : 1;
                weights[b] = taste * sub * price[b % _buckets.PriceLevels];
            }
        }
    }

    /// <summary>The viewer's weight of each price level (the price affinity at its own, 1 elsewhere).</summary>
    public double PriceWeight(int viewer, int price) => price == _viewers[viewer].Price ? _priceAffinity : 1;

    /// <summary>Redraws the viewer's favourite categories and sub-genres (its price level stays): a change of taste.</summary>
    public void Drift(int viewer)
    {
        ref var v = ref _viewers[viewer];
        v.Favourites = 0;
        DrawTaste(ref v);
        v.Drifted = true;
    }

    /// <summary>The next tie-break number of the viewer's events (see <see cref="WorldEvent.OrderOf"/>).</summary>
    public uint NextSequence(int viewer) => _viewers[viewer].Sequence++;

    public void VisitScheduled(int viewer) => _viewers[viewer].PendingVisits++;

    public void VisitTaken(int viewer) => _viewers[viewer].PendingVisits--;

    /// <summary>Whether a visit of the viewer is still to come before the end.</summary>
    public bool HasPendingVisit(int viewer) => _viewers[viewer].PendingVisits > 0;

    private void DrawTaste(ref Viewer v)
    {
        Span<double> taste = stackalloc double[Vocabulary.Categories.Length];
        taste.Fill(BaseTaste);
        var favourites = 1 + SplitMix.Next(ref v.Random, 3);
        for (var i = 0; i < favourites; i++)
        {
            taste[SplitMix.Next(ref v.Random, taste.Length)] += SplitMix.Exponential(ref v.Random, 1.0);
        }

        for (var c = 0; c < taste.Length; c++)
        {
            if (taste[c] != BaseTaste)
            {
                v.Category[v.Favourites] = (byte)c;
                v.Taste[v.Favourites++] = taste[c];
            }
        }

        for (var i = 0; i < v.Favourites; i++)
        {
            v.SubGenre[i] = (byte)SplitMix.Next(ref v.Random, _buckets.SubGenres);
        }
    }

    /// <summary>Eight-byte fields first, then the small ones: 64 bytes in all.</summary>
    private struct Viewer
    {
        public ulong Random;
        public double MeanGap;
        public double Repeat;
        public FavouriteTastes Taste;
        public uint Sequence;
        public ushort PendingVisits;
        public FavouriteBytes Category;
        public FavouriteBytes SubGenre;
        public byte Favourites;
        public byte Price;
        public bool Drifted;
    }

    [InlineArray(3)]
    private struct FavouriteTastes
    {
        private double _element;
    }

    [InlineArray(3)]
    private struct FavouriteBytes
    {
        private byte _element;
    }
}
