using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Steps;

/// <summary>
/// A user's own event asks for a re-rank <see cref="PipelineOptions.CoalesceWindow"/> later in event time, but
/// not sooner than <see cref="PipelineOptions.MinRerankInterval"/> after the user's last re-rank; a user
/// already pending keeps the earlier time. So a burst of one user's events makes one re-rank, and a long
/// visit of many clicks re-ranks at a bounded rate.
/// </summary>
public sealed class RerankCoalescing(PipelineOptions options, PartitionState partition) : IUserEventStep
{
    private readonly long _window = (long)options.CoalesceWindow.TotalMilliseconds;
    private readonly long _interval = (long)options.MinRerankInterval.TotalMilliseconds;

    public void Apply(in EventRecord e, UserState user)
    {
        var due = e.Ts + _window;
        if (user.RankedAt > 0)
        {
            due = Math.Max(due, user.RankedAt + _interval);
        }

        partition.Reranks.Mark(e.User, due);
    }
}
