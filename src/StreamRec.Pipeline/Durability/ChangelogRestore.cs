namespace StreamRec.Pipeline.Durability;

/// <summary>
/// A changelog partition read up to <paramref name="EndOffset"/>, in offset order (a later record of a key replaces
/// an earlier one; a null value is a tombstone): from its start, the partition's users as their last owner committed
/// them; when <paramref name="Incremental"/>, only the records after the offset the local store accounts for, to apply
/// on top of it (<see cref="RestorePlan"/>). Buffers belong to the restore; nothing else holds them.
/// </summary>
public sealed record ChangelogRestore(int Partition, long EndOffset, IReadOnlyList<KeyValuePair<byte[], byte[]?>> Records, bool Incremental = false)
{
    /// <summary>
    /// The seq fence (see <see cref="SeqFenceMarker"/>): per user id, in the order first found, the highest seq on the
    /// deltas partition from <see cref="FenceOrigin"/> to its end. Empty when no fence was read.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, long>> SeqFloors { get; init; } = [];

    /// <summary>The deltas partition offset the fence was read from.</summary>
    public long FenceOrigin { get; init; }

    /// <summary>
    /// Per topic, the input offset the restored state accounts for on this partition, from the last marker read
    /// (<see cref="SeqFenceMarker.Positions"/>); null when the records read hold no such marker.
    /// </summary>
    public IReadOnlyDictionary<string, long>? ResumeAt { get; init; }
}
