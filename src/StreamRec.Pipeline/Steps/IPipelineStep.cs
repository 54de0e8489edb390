using StreamRec.Pipeline.Batches;

namespace StreamRec.Pipeline.Steps;

/// <summary>
/// One step of the stateful part of the pipeline. Steps share the state stores, so they run one batch at
/// a time, in order, inside a single stage (<see cref="Stages.StatefulSteps"/>): a step never sees state
/// that a later batch has already changed.
/// </summary>
public interface IPipelineStep
{
    /// <summary>Applies the batch to the state and records what this step derives in the batch.</summary>
    void Apply(EventBatch batch);
}
