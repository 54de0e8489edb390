namespace StreamRec.Pipeline.Batches;

/// <summary>
/// Several checkpoints acknowledged together, in input order: the checkpoints of batches whose records the
/// validator held, which travel with the later batch that resolved them so nothing held is committed early.
/// </summary>
internal sealed class CheckpointChain(IReadOnlyList<SourceCheckpoint> checkpoints) : SourceCheckpoint
{
    public override void Acknowledge()
    {
        foreach (var checkpoint in checkpoints)
        {
            checkpoint.Acknowledge();
        }
    }

    public override IReadOnlyList<Input.RecordOrigin> Positions =>
        [.. checkpoints.SelectMany(static c => c.Positions).GroupBy(static p => (p.Source, p.Partition)).Select(static g => g.Last())];
}
