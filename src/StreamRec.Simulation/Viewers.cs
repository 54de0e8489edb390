using System.Runtime.CompilerServices;

namespace StreamRec.Simulation;

/// <summary>
/// Every simulated user: a latent taste over categories, an activity level, a repeat propensity and a private
/// random stream. A visit touches all of it, so each viewer is one 64-byte record (one cache line, and a
/// million viewers in 64 MB) rather than objects or parallel arrays. A taste is 0.03 everywhere except for
/// one to three favourite categories, so only those are stored.
/// </summary>
internal sealed class Viewers
{
    private const double BaseTaste = 0.03;
    private const long Minute = 60_000;

    private readonly Viewer[] _viewers;

    public Viewers(int count, ulong seed, double visitsPerHour)
    {
        _viewers = new Viewer[count];
        Span<double> taste = stackalloc double[Vocabulary.Categories.Length];
        for (var u = 0; u < count; u++)
        {
            ref var v = ref _viewers[u];
            v.Random = SplitMix.Seed(seed, 3, (ulong)u);
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

            v.MeanGap = 60.0 * Minute / (visitsPerHour * SplitMix.LogNormal(ref v.Random, 1.0, 0.7));
            v.Repeat = 0.45 + (0.4 * SplitMix.NextDouble(ref v.Random));
        }
    }

    public int Count => _viewers.Length;

    /// <summary>The viewer's own random stream: draws for one viewer never shift another's.</summary>
    public ref ulong Random(int viewer) => ref _viewers[viewer].Random;

    /// <summary>Mean time between the viewer's own (not notified) visits, in ms.</summary>
    public double MeanGap(int viewer) => _viewers[viewer].MeanGap;

    /// <summary>Chance that a visit tries a favourite streamer first.</summary>
    public double Repeat(int viewer) => _viewers[viewer].Repeat;

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

    /// <summary>taste^1.5 per category, the exponent of the explore pick.</summary>
    public void ExploreWeights(int viewer, Span<double> weights)
    {
        weights.Fill(BaseTaste * Math.Sqrt(BaseTaste));
        ref var v = ref _viewers[viewer];
        for (var i = 0; i < v.Favourites; i++)
        {
            weights[v.Category[i]] = v.Taste[i] * Math.Sqrt(v.Taste[i]);
        }
    }

    /// <summary>The next tie-break number of the viewer's events (see <see cref="WorldEvent.OrderOf"/>).</summary>
    public uint NextSequence(int viewer) => _viewers[viewer].Sequence++;

    public void VisitScheduled(int viewer) => _viewers[viewer].PendingVisits++;

    public void VisitTaken(int viewer) => _viewers[viewer].PendingVisits--;

    /// <summary>Whether a visit of the viewer is still to come before the end.</summary>
    public bool HasPendingVisit(int viewer) => _viewers[viewer].PendingVisits > 0;

    private struct Viewer
    {
        public ulong Random;
        public double MeanGap;
        public double Repeat;
        public FavouriteTastes Taste;
        public FavouriteCategories Category;
        public byte Favourites;
        public uint Sequence;
        public int PendingVisits;
    }

    [InlineArray(3)]
    private struct FavouriteTastes
    {
        private double _element;
    }

    [InlineArray(3)]
    private struct FavouriteCategories
    {
        private byte _element;
    }
}
