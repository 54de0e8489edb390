namespace StreamRec.Pipeline.Durability;

/// <summary>
/// A <see cref="ChangelogRestore"/> after the decoding stage interned its names: per user (last record of each key,
/// in user id order), the state in the local layout (<see cref="State.UserStateCodec"/>), or null for a tombstone,
/// and the pending work (re-rank, promotion).
/// </summary>
internal sealed record RestoredPartition(int Partition, long EndOffset, int Records, IReadOnlyList<(int User, byte[]? State, State.PendingWork Pending)> Users)
{
    /// <summary>The seq fence by interned user id (<see cref="ChangelogRestore.SeqFloors"/>).</summary>
    public IReadOnlyList<(int User, long Floor)> SeqFloors { get; init; } = [];

    public long FenceOrigin { get; init; }
}
