namespace StreamRec.Pipeline.Durability;

/// <summary>
/// A <see cref="ChangelogRestore"/> after the decoding stage interned its names: per user (last record of each key,
/// in user id order), the state in the local layout (<see cref="State.UserStateCodec"/>), or null for a tombstone,
/// and the pending work (re-rank, promotion). <paramref name="Incremental"/>: the users changed after the offset the
/// local store accounts for, to apply on top of it; <paramref name="KnownUsers"/> is the user id count once they were
/// interned (ids below it reached the core through this element).
/// </summary>
internal sealed record RestoredPartition(
    int Partition, long EndOffset, int Records, IReadOnlyList<(int User, byte[]? State, State.PendingWork Pending)> Users, bool Incremental = false, int KnownUsers = 0)
{
    /// <summary>The seq fence by interned user id (<see cref="ChangelogRestore.SeqFloors"/>).</summary>
    public IReadOnlyList<(int User, long Floor)> SeqFloors { get; init; } = [];

    public long FenceOrigin { get; init; }

    /// <summary>Per input topic (interned source id), the offset the restored state accounts for; null when the changelog did not say.</summary>
    public IReadOnlyList<(int Source, long Offset)>? ResumeAt { get; init; }
}
