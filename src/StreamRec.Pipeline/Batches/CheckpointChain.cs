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

    /// <summary>
    /// The last checkpoint's: every source's checkpoint names all the positions read so far, so a union would only
    /// bring back a partition the source has since let go of (restored from the changelog, or dropped).
    /// </summary>
    public override IReadOnlyList<Input.RecordOrigin> Positions => checkpoints[^1].Positions;
}
