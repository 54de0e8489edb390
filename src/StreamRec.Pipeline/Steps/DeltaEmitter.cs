using StreamRec.Contracts.Outputs;
using StreamRec.Contracts.Serialization;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Steps;

/// <summary>
/// Stores a user's new ranked list and, when its top K differs from the one last sent (rooms or order),
/// emits a delta with the full new list and the next per-user seq, and moves the user in the holder index.
/// </summary>
public sealed class DeltaEmitter(PipelineOptions options, PipelineState state, PartitionState partition)
{
    /// <summary>Scores are published rounded, so output bytes do not hinge on the last float bits.</summary>
    private const int ScoreDigits = DeltaJson.ScoreDigits;

    private readonly List<int> _previous = [];
    private readonly List<string> _added = [];
    private readonly List<string> _removed = [];

    /// <summary>
    /// Replaces the user's ranked list; returns the delta, or null when the sent top K is unchanged. <paramref name="why"/>
    /// holds each top-K room's top contributing features, in rank order, or is empty (no <c>why</c> written).
    /// </summary>
    public RecommendationDelta? Apply(int userId, UserState user, ReadOnlySpan<ScoredRoom> ranked, long clockMs, ReadOnlySpan<FeatureContribution[]?> why = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        _previous.Clear();
        foreach (var room in user.Ranked[..Math.Min(options.TopK, user.RankedCount)])
        {
            _previous.Add(room.Room);
        }

        user.SetRanked(ranked);
        var top = user.Ranked[..Math.Min(options.TopK, user.RankedCount)];
        if (Same(top, _previous))
        {
            return null;
        }

        var rooms = new RankedRoom[top.Length];
        _added.Clear();
        for (var i = 0; i < top.Length; i++)
        {
            rooms[i] = new RankedRoom(RoomName(top[i].Room), i + 1, Math.Round(top[i].Score, ScoreDigits)) { Why = i < why.Length ? why[i] : null };
            if (!_previous.Contains(top[i].Room))
            {
                _added.Add(RoomName(top[i].Room));
                partition.Holders.Add(top[i].Room, userId);
                if (partition.Holders.NeedsCompaction(top[i].Room))
                {
                    var room = top[i].Room;
                    partition.Holders.Compact(room, holder => HoldsInTopK(holder, room));
                }
            }
        }

        _removed.Clear();
        foreach (var room in _previous)
        {
            if (!Contains(top, room))
            {
                _removed.Add(RoomName(room));
                partition.Holders.Remove(room);
            }
        }

        user.Seq++;
        return new RecommendationDelta
        {
            UserId = state.Ids.Users.NameOf(userId),
            Seq = user.Seq,
            Ts = clockMs,
            Top = rooms,
            Added = Exact(_added),
            Removed = Exact(_removed),
        };
    }

    /// <summary>True when <paramref name="room"/> is in the top K last sent to <paramref name="user"/>.</summary>
    public bool HoldsInTopK(UserState user, int room)
    {
        ArgumentNullException.ThrowIfNull(user);
        return Contains(user.Ranked[..Math.Min(options.TopK, user.RankedCount)], room);
    }

    /// <summary>
    /// True when <paramref name="room"/> is in the top K last sent to user <paramref name="userId"/> of the partition;
    /// reads only the stored ranking, as the holder index asks this of many users that are not open.
    /// </summary>
    public bool HoldsInTopK(int userId, int room)
    {
        Span<int> top = stackalloc int[options.TopK];
        var count = partition.Users.PeekRanking(userId, top, out _);
        return count > 0 && top[..count].Contains(room);
    }

    private static string[] Exact(List<string> names) => names.Count == 0 ? [] : names.ToArray();

    private static bool Same(ReadOnlySpan<ScoredRoom> next, List<int> previous)
    {
        if (next.Length != previous.Count)
        {
            return false;
        }

        for (var i = 0; i < next.Length; i++)
        {
            if (next[i].Room != previous[i])
            {
                return false;
            }
        }

        return true;
    }

    private static bool Contains(ReadOnlySpan<ScoredRoom> rooms, int room)
    {
        foreach (var r in rooms)
        {
            if (r.Room == room)
            {
                return true;
            }
        }

        return false;
    }

    private string RoomName(int room) => state.Ids.Rooms.NameOf(room);
}
