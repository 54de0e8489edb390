namespace StreamRec.Pipeline.Durability;

/// <summary>
/// What a rebalance changed for the state, sent by the source ahead of any record of the partitions it names:
/// the partitions this instance no longer owns (their users leave its memory and store), those it must
/// restore from the changelog before their input is processed, and those whose local state is kept over a changelog
/// tail this same state directory wrote after its last commit (<see cref="SupersededTail"/>).
/// </summary>
public sealed record PartitionHandover(IReadOnlyList<int> Dropped, IReadOnlyList<ChangelogRestore> Restores)
{
    /// <summary>Start-up only: partitions kept at the local checkpoint although their changelog went on past it.</summary>
    public IReadOnlyList<SupersededTail> Superseded { get; init; } = [];
}
