using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Steps;

/// <summary>
/// A user's own event asks for a re-rank <see cref="PipelineOptions.CoalesceWindow"/> later in event time; a
/// user already pending keeps the earlier time, so a burst of one user's events makes one re-rank.
/// </summary>
public sealed class RerankCoalescing(PipelineOptions options, PartitionState partition) : IUserEventStep
{
    private readonly long _window = (long)options.CoalesceWindow.TotalMilliseconds;

    public void Apply(in EventRecord e, UserState user) => partition.Reranks.Mark(e.User, e.Ts + _window);
}
