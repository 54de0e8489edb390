using StreamRec.Pipeline.Features;

namespace StreamRec.Ranking.Offline;

/// <summary>
/// One ranking decision taken from a log: at <see cref="Ts"/> the user started a visit to a room by clicking it, and
/// every room live at that moment was a candidate. Features are those the pipeline would have computed from the state
/// just before the click.
/// </summary>
/// <remarks>
/// Ownership: the replayer owns the instance and its buffers and reuses them for the next case, so an observer reads
/// the spans during its callback and copies what it wants to keep.
/// </remarks>
public sealed class InteractionCase
{
    private float[] _features = new float[256 * FeatureExtractor.Count];
    private int[] _rooms = new int[256];
    private float[] _popularity = new float[256];
    private long[] _lastEngaged = new long[256];
    private bool[] _retrieved = new bool[256];
    private int[] _streamers = new int[256];
    private int[] _categories = new int[256];

    /// <summary>Sequence number of the case in the replay, starting at 0.</summary>
    public int Id { get; internal set; }

    /// <summary>The <c>event_id</c> of the click, or null when the replay could not tell it (see <see cref="InteractionReplayer"/>).</summary>
    public string? EventId { get; internal set; }

    /// <summary>Event time of the click, ms since the Unix epoch.</summary>
    public long Ts { get; internal set; }

    public int User { get; internal set; }

    /// <summary>The room the user clicked (the one relevant candidate).</summary>
    public int Room { get; internal set; }

    public int Streamer { get; internal set; }

    /// <summary>True when the user had engaged with the room's streamer before (a repeat consumption), false for a new one.</summary>
    public bool IsRepeat { get; internal set; }

    /// <summary>Number of candidates (live rooms).</summary>
    public int Count { get; private set; }

    /// <summary>Index of <see cref="Room"/> among the candidates.</summary>
    public int TargetIndex { get; internal set; }

    /// <summary>Row-major feature matrix, <see cref="Count"/> x <see cref="FeatureExtractor.Count"/>.</summary>
    public ReadOnlySpan<float> Features => _features.AsSpan(0, Count * FeatureExtractor.Count);

    /// <summary>Candidate room ids, in the row order of <see cref="Features"/>.</summary>
    public ReadOnlySpan<int> Rooms => _rooms.AsSpan(0, Count);

    /// <summary>Each candidate's decayed popularity at <see cref="Ts"/> (the POP baseline's score).</summary>
    public ReadOnlySpan<float> Popularity => _popularity.AsSpan(0, Count);

    /// <summary>When the user last engaged with each candidate's streamer, or <see cref="long.MinValue"/> if never (the REP baseline's key).</summary>
    public ReadOnlySpan<long> LastEngaged => _lastEngaged.AsSpan(0, Count);

    /// <summary>Whether retrieval (see <c>CandidateRetrieval</c>) would have put each candidate before the scorer.</summary>
    public ReadOnlySpan<bool> Retrieved => _retrieved.AsSpan(0, Count);

    /// <summary>Each candidate's streamer id (exposure across streamers is measured by it).</summary>
    public ReadOnlySpan<int> Streamers => _streamers.AsSpan(0, Count);

    /// <summary>Each candidate's category id, -1 when unknown (the diversity re-rank caps rooms per category).</summary>
    public ReadOnlySpan<int> Categories => _categories.AsSpan(0, Count);

    /// <summary>The features of the clicked room.</summary>
    public ReadOnlySpan<float> TargetFeatures => Row(TargetIndex);

    public ReadOnlySpan<float> Row(int index) => _features.AsSpan(index * FeatureExtractor.Count, FeatureExtractor.Count);

    internal void Reset(int count)
    {
        if (count > _rooms.Length)
        {
            var size = Math.Max(count, _rooms.Length * 2);
            _features = new float[size * FeatureExtractor.Count];
            _rooms = new int[size];
            _popularity = new float[size];
            _lastEngaged = new long[size];
            _retrieved = new bool[size];
            _streamers = new int[size];
            _categories = new int[size];
        }

        Count = count;
    }

    internal Span<float> WritableRow(int index) => _features.AsSpan(index * FeatureExtractor.Count, FeatureExtractor.Count);

    internal void SetCandidate(int index, int room, float popularity, long lastEngaged, bool retrieved)
    {
        _retrieved[index] = retrieved;
        _rooms[index] = room;
        _popularity[index] = popularity;
        _lastEngaged[index] = lastEngaged;
    }

    internal void SetCandidateRoom(int index, int streamer, int category)
    {
        _streamers[index] = streamer;
        _categories[index] = category;
    }
}
