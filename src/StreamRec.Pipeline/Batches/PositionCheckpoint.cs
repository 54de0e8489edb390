using StreamRec.Pipeline.Input;

namespace StreamRec.Pipeline.Batches;

/// <summary>
/// Only a position, nothing to commit: a file read up to a line, or the last positions of a stream that
/// stopped (carried by the batch that checkpoints durable state at the stop).
/// </summary>
internal sealed class PositionCheckpoint(IReadOnlyList<RecordOrigin> positions) : SourceCheckpoint
{
    public override IReadOnlyList<RecordOrigin> Positions { get; } = positions;

    public override void Acknowledge()
    {
    }
}
