namespace StreamRec.Pipeline.Durability;

/// <summary>
/// What a rebalance changed for the state, sent by the source ahead of any record of the partitions it names:
/// the partitions this instance no longer owns (their users leave its memory and store), and those it must
/// restore from the changelog before their input is processed.
/// </summary>
public sealed record PartitionHandover(IReadOnlyList<int> Dropped, IReadOnlyList<ChangelogRestore> Restores);
