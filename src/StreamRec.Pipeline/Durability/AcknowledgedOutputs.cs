using StreamRec.Pipeline.Batches;

namespace StreamRec.Pipeline.Durability;

/// <summary>
/// Wraps a batch's source checkpoint: when the sink acknowledges it, every output up to the batch's last
/// delta and dead letter is durable, so the outbox no longer needs them.
/// </summary>
internal sealed class AcknowledgedOutputs(SourceCheckpoint? inner, StateCheckpointer checkpointer, long deltas, long deadLetters) : SourceCheckpoint
{
    public override IReadOnlyList<Input.RecordOrigin> Positions => inner?.Positions ?? [];

    public override void Acknowledge()
    {
        checkpointer.Acknowledged(deltas, deadLetters);
        inner?.Acknowledge();
    }
}
