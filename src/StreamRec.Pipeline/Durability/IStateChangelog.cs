namespace StreamRec.Pipeline.Durability;

/// <summary>
/// Where a checkpoint sends the state changes of its users, so another instance can restore a partition that
/// moves to it, as Kafka Streams' changelog topics do. The checkpointer appends before it commits locally, so
/// the changelog is never behind a committed checkpoint.
/// </summary>
public interface IStateChangelog
{
    /// <summary>Which partitions this instance owns, and which it may write (shared with the consumer's rebalance handlers).</summary>
    PartitionOwnership Ownership { get; }

    /// <summary>
    /// Appends <paramref name="records"/> in order and returns once every one is acknowledged, with the changelog's
    /// end offset (the offset after the last record written) of each partition written to.
    /// </summary>
    /// <exception cref="InvalidOperationException">A record could not be written: the checkpoint must not commit.</exception>
    IReadOnlyDictionary<int, long> Append(IReadOnlyList<ChangelogRecord> records);

    /// <summary>
    /// The lowest offset of the partition's deltas topic partition that a delta handed to the sink from now on can
    /// have, or null when deltas are not fenced: each checkpoint then appends a <see cref="SeqFenceMarker"/> after the
    /// partition's users.
    /// </summary>
    long? DeltasFloor(int partition) => null;
}
