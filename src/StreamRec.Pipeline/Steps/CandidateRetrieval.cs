using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Steps;

/// <summary>
/// Draws a re-rank's candidates from the live-room index instead of scanning every live room. First the live
/// rooms of the user's streamers (strongest first), all of them: a favourite who is live is the likeliest
/// choice, so no other source may crowd it out. Then, in this order until
/// <see cref="Retrieval.RetrievalLimits.MaxCandidates"/>: the rooms the user already holds (still live), the most
/// popular live rooms of the strongest categories of the user's short-term (session) interest, the live rooms of
/// the streamers their viewers also engage with (<see cref="UserContext.CoEngaged"/>, most co-engaged first), the
/// most popular live rooms of the strongest categories of the long-term interest, the most popular live rooms
/// overall, and the rooms started most recently. So the cost of a re-rank does not grow with the number of live rooms.
/// </summary>
public sealed class CandidateRetrieval(PipelineOptions options, PipelineState state)
{
    private readonly List<(float Match, int Category)> _categories = [];
    private readonly List<(double Value, int Streamer)> _streamers = [];
    private readonly Comparison<(double Value, int Streamer)> _byStreamerValue =
        (a, b) => a.Value != b.Value ? b.Value.CompareTo(a.Value) : state.Ids.Streamers.CompareNames(a.Streamer, b.Streamer);
    private readonly Comparison<(float Match, int Category)> _byCategoryMatch =
        (a, b) => a.Match != b.Match ? b.Match.CompareTo(a.Match) : state.Ids.Categories.CompareNames(a.Category, b.Category);
    private int[] _seen = new int[256];
    private int _stamp;
    private List<int> _into = [];

    /// <summary>Replaces <paramref name="into"/>'s content with the user's candidates (room ids, no repeats).</summary>
    public void Collect(UserState user, UserContext context, long nowMs, List<int> into)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(into);
        into.Clear();
        _into = into;
        _stamp++;
        var limits = options.Retrieval;
        var live = state.LiveIndex;

        _streamers.Clear();
        foreach (var affinity in user.Affinities)
        {
            _streamers.Add((affinity.Engagement.At(nowMs, options.AffinityHalfLife), affinity.Streamer));
        }

        _streamers.Sort(_byStreamerValue);
        foreach (var (_, streamer) in _streamers)
        {
            foreach (var room in live.LiveRoomsOf(streamer))
            {
                Add(room, uncapped: true);
            }
        }

        foreach (var ranked in user.Ranked)
        {
            if (state.Rooms.FindRoom(ranked.Room) is { IsLive: true })
            {
                Add(ranked.Room);
            }
        }

        if (context.ShortStrength > 0 && context.ShortUnit.AsSpan().IndexOfAnyExcept(0f) >= 0)
        {
            AddCategories(context, shortTerm: true, limits.ShortCategories, limits.ShortPerCategory);
        }

        CoEngagedRooms(context, limits.CoEngaged);
        if (context.Unit.AsSpan().IndexOfAnyExcept(0f) >= 0)
        {
            AddCategories(context, shortTerm: false, limits.Categories, limits.PerCategory);
        }

        AddAll(live.Trending, limits.Trending);
        AddAll(live.Fresh, limits.Fresh);
    }

    /// <summary>Adds the top rooms of the <paramref name="categories"/> live categories that match the (short-term) interest best.</summary>
    private void AddCategories(UserContext context, bool shortTerm, int categories, int perCategory)
    {
        var live = state.LiveIndex;
        _categories.Clear();
        foreach (var category in live.LiveCategories)
        {
            _categories.Add((shortTerm ? context.ShortCategoryMatch(category) : context.CategoryMatch(category), category));
        }

        _categories.Sort(_byCategoryMatch);
        for (var i = 0; i < Math.Min(categories, _categories.Count); i++)
        {
            AddAll(live.TopOf(_categories[i].Category), perCategory);
        }
    }

    /// <summary>Adds up to <paramref name="most"/> live rooms of the streamers co-engaged with the user's, most co-engaged first.</summary>
    private void CoEngagedRooms(UserContext context, int most)
    {
        if (most == 0)
        {
            return;
        }

        _streamers.Clear();
        foreach (var streamer in context.CoEngaged)
        {
            if (state.LiveIndex.LiveRoomsOf(streamer).Length > 0)
            {
                _streamers.Add((context.CoEngagement(streamer).Sum, streamer));
            }
        }

        _streamers.Sort(_byStreamerValue);
        var taken = 0;
        foreach (var (_, streamer) in _streamers)
        {
            if (taken == most)
            {
                return;
            }

            taken += AddAll(state.LiveIndex.LiveRoomsOf(streamer), most - taken);
        }
    }

    private int AddAll(ReadOnlySpan<int> rooms, int most)
    {
        var taken = 0;
        foreach (var room in rooms)
        {
            if (taken == most)
            {
                break;
            }

            taken += Add(room) ? 1 : 0;
        }

        return taken;
    }

    private bool Add(int room, bool uncapped = false)
    {
        if (!uncapped && _into.Count >= options.Retrieval.MaxCandidates)
        {
            return false;
        }

        if (room >= _seen.Length)
        {
            Array.Resize(ref _seen, Math.Max(room + 1, _seen.Length * 2));
        }

        if (_seen[room] == _stamp)
        {
            return false;
        }

        _seen[room] = _stamp;
        _into.Add(room);
        return true;
    }
}
