using StreamRec.Contracts.Outputs;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Metrics;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Steps;

/// <summary>
/// Top-K diff: compares each new list with the one last sent to the user and emits a delta only when
/// the rooms or their order changed. Every delta carries the full new list and the next per-user seq.
/// </summary>
public sealed class DeltaEmitter(PipelineState state, PipelineMetrics metrics) : IPipelineStep
{
    /// <summary>Scores are published rounded, so output bytes do not hinge on the last float bits.</summary>
    private const int ScoreDigits = 6;

    public void Apply(EventBatch batch)
    {
        foreach (var ranking in batch.Rankings)
        {
            var previous = state.Rankings.LastSent(ranking.User).Rooms;
            if (SameRooms(ranking.Top, previous))
            {
                continue;
            }

            var rooms = new int[ranking.Top.Count];
            var top = new RankedRoom[rooms.Length];
            for (var i = 0; i < rooms.Length; i++)
            {
                rooms[i] = ranking.Top[i].Room;
                top[i] = new RankedRoom(RoomName(rooms[i]), i + 1, Math.Round(ranking.Top[i].Score, ScoreDigits));
            }

            batch.Deltas.Add(new RecommendationDelta
            {
                UserId = state.Ids.Users.NameOf(ranking.User),
                Seq = state.Rankings.Put(ranking.User, rooms),
                Ts = batch.Clock,
                Top = top,
                Added = Missing(rooms, previous),
                Removed = Missing(previous, rooms),
            });
        }

        metrics.AddDeltas(batch.Deltas.Count);
    }

    private static bool SameRooms(IReadOnlyList<ScoredRoom> next, IReadOnlyList<int> previous)
    {
        if (next.Count != previous.Count)
        {
            return false;
        }

        for (var i = 0; i < next.Count; i++)
        {
            if (next[i].Room != previous[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Names of the rooms of <paramref name="from"/> absent from <paramref name="other"/>, in order (lists are K long).</summary>
    private string[] Missing(IReadOnlyList<int> from, IReadOnlyList<int> other)
    {
        var names = new List<string>();
        foreach (var room in from)
        {
            if (!other.Contains(room))
            {
                names.Add(RoomName(room));
            }
        }

        return [.. names];
    }

    private string RoomName(int room) => state.Ids.Rooms.NameOf(room);
}
