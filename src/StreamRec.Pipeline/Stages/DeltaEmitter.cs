using StreamRec.Contracts.Outputs;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Metrics;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Stages;

/// <summary>
/// Top-K diff: compares each new list with the one last sent to the user and emits a delta only when
/// the rooms or their order changed. Every delta carries the full new list and the next per-user seq.
/// </summary>
internal sealed class DeltaEmitter(PipelineState state, PipelineMetrics metrics)
    : BatchFlowStage<EventBatch, EventBatch>(nameof(DeltaEmitter))
{
    /// <summary>Scores are published rounded, so output bytes do not hinge on the last float bits.</summary>
    private const int ScoreDigits = 6;

    protected override Func<EventBatch, EventBatch> CreateStep() => Process;

    private EventBatch Process(EventBatch batch)
    {
        foreach (var ranking in batch.Rankings)
        {
            var (previous, _) = state.Rankings.LastSent(ranking.User);
            var rooms = ranking.Top.Select(static r => r.Room).ToArray();
            if (rooms.AsSpan().SequenceEqual(previous as int[] ?? [.. previous]))
            {
                continue;
            }

            var seq = state.Rankings.Put(ranking.User, rooms);
            batch.Deltas.Add(new RecommendationDelta
            {
                UserId = state.Ids.Users.NameOf(ranking.User),
                Seq = seq,
                Ts = batch.Clock,
                Top = [.. ranking.Top.Select((r, i) => new RankedRoom(RoomName(r.Room), i + 1, Math.Round(r.Score, ScoreDigits)))],
                Added = [.. rooms.Except(previous).Select(RoomName)],
                Removed = [.. previous.Except(rooms).Select(RoomName)],
            });
        }

        metrics.AddDeltas(batch.Deltas.Count);
        return batch;
    }

    private string RoomName(int room) => state.Ids.Rooms.NameOf(room);
}
