using StreamRec.Pipeline.Batches;

namespace StreamRec.Pipeline.Durability;

/// <summary>
/// Wraps a batch's source checkpoint: when the sink acknowledges it, every output up to the batch's last
/// delta, dead letter and published contribution is durable, so the outbox no longer needs them, and the source may commit the batch
/// (with a changelog, once a checkpoint covers batch number <paramref name="batch"/>).
/// </summary>
internal sealed class AcknowledgedOutputs(SourceCheckpoint? inner, StateCheckpointer checkpointer, OutputCounts outputs, long batch) : SourceCheckpoint
{
    public override IReadOnlyList<Input.RecordOrigin> Positions => inner?.Positions ?? [];

    public override void Acknowledge()
    {
        checkpointer.Acknowledged(outputs);
        checkpointer.SourceDone(inner, batch);
    }
}
