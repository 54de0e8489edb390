using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Steps;

namespace StreamRec.Pipeline.Stages;

/// <summary>
/// Runs the stateful steps over each batch, in order, to completion before the next batch. Separate
/// stages would overlap (Akka pipelines them), letting an early step apply batch n+1 while a later step
/// still ranks batch n against that newer state.
/// </summary>
internal sealed class StatefulSteps(Func<IReadOnlyList<IPipelineStep>> createSteps)
    : BatchFlowStage<EventBatch, EventBatch>(nameof(StatefulSteps))
{
    protected override Func<EventBatch, EventBatch> CreateStep()
    {
        var steps = createSteps();
        return batch =>
        {
            foreach (var step in steps)
            {
                step.Apply(batch);
            }

            return batch;
        };
    }
}
