using System.Diagnostics;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Core;
using StreamRec.Pipeline.Metrics;

namespace StreamRec.Pipeline.Stages;

/// <summary>
/// Runs the stateful core over each batch, to completion before the next. Separate stages per step would
/// overlap (Akka pipelines them), letting an early step apply batch n+1 while a later step still ranks
/// batch n against that newer state; inside, the core runs the partitions in parallel instead.
/// </summary>
internal sealed class StatefulCore(Func<StreamCore> createCore, PipelineMetrics metrics, Durability.StateCheckpointer? checkpoints) : BatchFlowStage<EventBatch, EventBatch>(nameof(StatefulCore))
{
    protected override (Func<EventBatch, EventBatch> Step, Func<EventBatch?>? Finish, IDisposable? Owned) CreateOwnedStep()
    {
        var core = createCore();
        return (batch =>
        {
            var started = Stopwatch.GetTimestamp();
            if (batch.Handover is { } handover && checkpoints is not null)
            {
                checkpoints.ApplyHandover(handover);
            }

            var scoring = metrics.ScoringTicks;
            core.Process(batch);
            var scored = metrics.ScoringTicks - scoring;
            metrics.AddStepTime(PipelineStep.Core, Stopwatch.GetTimestamp() - started - scored);
            if (scored > 0)
            {
                metrics.AddStepTime(PipelineStep.Scoring, scored);
            }

            checkpoints?.AfterBatch(batch);
            return batch;
        }, null, core);
    }
}
