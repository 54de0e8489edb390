namespace StreamRec.Pipeline.Features;

/// <summary>
/// Per-user inputs of feature extraction, computed once per user per scoring round, so that the per-row work
/// is one dot product and a few lookups: the unit interest, activity, the affinity features of the user's
/// (few) streamers, the co-engagement of their neighbours, and the category match, computed at most once
/// per category.
/// </summary>
public sealed class UserContext(int dimensions)
{
    private readonly List<(int Streamer, float Affinity, float Recency)> _streamers = [];
    private float[] _categoryMatch = new float[16];
    private float[] _shortCategoryMatch = new float[16];
    private int[] _categoryStamp = new int[16];
    private readonly List<int> _coEngaged = [];
    private float[] _coSum = new float[64];
    private float[] _coMax = new float[64];
    private int[] _coStamp = new int[64];
    private int _stamp;
    private RoomVectors? _vectors;

    /// <summary>The user's interest direction (unit, or zero without history).</summary>
    public float[] Unit { get; } = new float[dimensions];

    /// <summary>The user's short-term (session) interest direction (unit, or zero).</summary>
    public float[] ShortUnit { get; } = new float[dimensions];

    /// <summary>How much the session still counts, in [0, 1): m / (m + 1) of the decayed short-term length m.</summary>
    public float ShortStrength { get; set; }

    public float Activity { get; set; }

    /// <summary>Streamers co-engaged with the user's streamers this round, in first-touch order.</summary>
    public ReadOnlySpan<int> CoEngaged => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_coEngaged);

    internal void Reset(RoomVectors vectors)
    {
        _streamers.Clear();
        _coEngaged.Clear();
        _vectors = vectors;
        _stamp++;
    }

    internal void AddStreamer(int streamer, float affinity, float recency) => _streamers.Add((streamer, affinity, recency));

    /// <summary>Adds one of the user's streamers' evidence for <paramref name="streamer"/>: affinity x share, and the share.</summary>
    internal void AddCoEngagement(int streamer, float score, float share)
    {
        if (streamer >= _coStamp.Length)
        {
            var size = Math.Max(streamer + 1, _coStamp.Length * 2);
            Array.Resize(ref _coStamp, size);
            Array.Resize(ref _coSum, size);
            Array.Resize(ref _coMax, size);
        }

        if (_coStamp[streamer] != _stamp)
        {
            _coStamp[streamer] = _stamp;
            _coSum[streamer] = 0;
            _coMax[streamer] = 0;
            _coEngaged.Add(streamer);
        }

        _coSum[streamer] += score;
        _coMax[streamer] = Math.Max(_coMax[streamer], share);
    }

    /// <summary>
    /// Σ over the user's streamers X of affinity(X) x w(X→streamer) / mass(X), and the largest share
    /// w(X→streamer) / mass(X); zero for a streamer none of them co-engages with.
    /// </summary>
    public (float Sum, float Max) CoEngagement(int streamer) =>
        streamer >= 0 && streamer < _coStamp.Length && _coStamp[streamer] == _stamp ? (_coSum[streamer], _coMax[streamer]) : default;

    /// <summary>Affinity and recency features of a streamer; zero when the user has none.</summary>
    public (float Affinity, float Recency) Streamer(int streamer)
    {
        foreach (var s in _streamers)
        {
            if (s.Streamer == streamer)
            {
                return (s.Affinity, s.Recency);
            }
        }

        return default;
    }

    /// <summary>cos(interest, category vector), computed once per category per round; 0 for an unknown category.</summary>
    public float CategoryMatch(int category)
    {
        if (category < 0)
        {
            return 0f;
        }

        if (category >= _categoryStamp.Length)
        {
            var size = Math.Max(category + 1, _categoryStamp.Length * 2);
            Array.Resize(ref _categoryStamp, size);
            Array.Resize(ref _categoryMatch, size);
            Array.Resize(ref _shortCategoryMatch, size);
        }

        if (_categoryStamp[category] != _stamp)
        {
            var vector = _vectors!.Category(category);
            _categoryMatch[category] = Numerics.Vectors.Dot(Unit, vector);
            _shortCategoryMatch[category] = ShortStrength * Numerics.Vectors.Dot(ShortUnit, vector);
            _categoryStamp[category] = _stamp;
        }

        return _categoryMatch[category];
    }

    /// <summary>
    /// <see cref="ShortStrength"/> x cos(short-term interest, category vector), cached with <see cref="CategoryMatch"/>;
    /// 0 for an unknown category.
    /// </summary>
    public float ShortCategoryMatch(int category)
    {
        if (category < 0)
        {
            return 0f;
        }

        CategoryMatch(category);
        return _shortCategoryMatch[category];
    }
}
